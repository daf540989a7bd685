"""`make bench`, part two: bulk work. Prints figures; passes or fails nothing.

- Bulk trigger: `batches.trigger_many` over 10,000 and 100,000 generated items against the
  benchmark server's batch API, whose token-bucket limiter answers 429 as the real one does
  (scaled up so a run takes seconds, not hours); items/s, 429s and peak RSS, beside the
  official TypeScript SDK's `tasks.batchTrigger` in 1,000-item chunks against the same server.
- Export: 1,000,000 runs through `runs.list` (100 a page), with the standard library's JSON
  decoder and with msgspec (extra ``fast``), against raw urllib3 + `json.loads` following the
  same cursors.
- Many in flight: 1,000 concurrent retrieves through one `AsyncTriggerClient`, against aiohttp
  used directly with the same connection limit.

Each figure that needs a process of its own (peak RSS) is taken in a fresh interpreter.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tools.bench.bench import KEY, node_server

HERE = Path(__file__).resolve().parent
OFFICIAL = HERE / "official_batch.mjs"
EXPORT_TOTAL = 1_000_000
# The limiter of the benchmark server: the real default (1,200 tokens, 10 a second) would
# make 100,000 items take hours; this keeps its shape (429s with Retry-After) at speed.
LIMITER = {"BATCH_CAPACITY": "5000", "BATCH_REFILL": "40000"}

PEAK_RSS = """
def peak_rss_mb():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
"""

BULK = (
    PEAK_RSS
    + """
import json, sys, time, trigger_dev
url, total = sys.argv[1], int(sys.argv[2])
def items():
    for i in range(total):
        yield {"task": "import-row", "payload": {"row": i, "name": f"row {i}"}}
client = trigger_dev.TriggerClient(secret_key="<KEY>", base_url=url)
started = time.perf_counter()
failed = 0
last = None
def seen(progress):
    global last
    last = progress
for outcome in client.batches.trigger_many(items(), on_progress=seen):
    failed += outcome.error is not None
seconds = time.perf_counter() - started
print(json.dumps({"items": total, "seconds": seconds, "failed": failed, "rate_limited": last.rate_limited,
                  "peak_rss_mb": peak_rss_mb()}))
""".replace("<KEY>", KEY)
)

EXPORT = (
    PEAK_RSS
    + """
import json, sys, time
url, variant = sys.argv[1], sys.argv[2]
from trigger_dev import _json
if variant == "client-json":
    _json._decode = None
count = 0
started, cpu = time.perf_counter(), time.process_time()
if variant == "raw":
    import urllib3
    pool = urllib3.PoolManager(maxsize=1)
    headers = {"Authorization": "Bearer <KEY>", "Accept": "application/json"}
    cursor = None
    while True:
        query = "page%5Bsize%5D=100" + (f"&page%5Bafter%5D={cursor}" if cursor else "")
        body = json.loads(pool.request("GET", f"{url}/api/v1/runs?{query}", headers=headers).data)
        for item in body["data"]:
            count += 1
        cursor = body["pagination"].get("next")
        if not cursor:
            break
else:
    import trigger_dev
    client = trigger_dev.TriggerClient(secret_key="<KEY>", base_url=url)
    for run in client.runs.list(limit=100):
        count += 1
seconds = time.perf_counter() - started
print(json.dumps({"items": count, "seconds": seconds, "cpu": time.process_time() - cpu, "peak_rss_mb": peak_rss_mb()}))
""".replace("<KEY>", KEY)
)

CONCURRENT = (
    PEAK_RSS
    + """
import asyncio, json, sys, time
url, variant = sys.argv[1], sys.argv[2]
CALLS = 1000
async def main():
    times = []
    if variant == "client":
        import trigger_dev
        async with trigger_dev.AsyncTriggerClient(secret_key="<KEY>", base_url=url) as client:
            for _ in range(5):
                started = time.perf_counter()
                await asyncio.gather(*(client.runs.retrieve(f"run_{i:020d}") for i in range(CALLS)))
                times.append(time.perf_counter() - started)
    else:
        import aiohttp
        headers = {"Authorization": "Bearer <KEY>", "Accept": "application/json"}
        connector = aiohttp.TCPConnector(limit=0, limit_per_host=32)
        async with aiohttp.ClientSession(connector=connector) as session:
            async def one(i):
                async with session.get(f"{url}/api/v3/runs/run_{i:020d}", headers=headers) as response:
                    return json.loads(await response.read())
            for _ in range(5):
                started = time.perf_counter()
                await asyncio.gather(*(one(i) for i in range(CALLS)))
                times.append(time.perf_counter() - started)
    return times
times = asyncio.run(main())
print(json.dumps({"times": times, "peak_rss_mb": peak_rss_mb()}))
""".replace("<KEY>", KEY)
)


def run_python(code: str, *args: str) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        timeout=1800,
        stdin=subprocess.DEVNULL,
    )
    if done.returncode != 0:
        raise SystemExit(f"benchmark step failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def run_official(url: str, total: int) -> dict[str, Any] | None:
    if not (HERE / "node_modules" / "@trigger.dev" / "sdk").exists():
        return None
    done = subprocess.run(
        ["node", str(OFFICIAL), url, str(total)],
        capture_output=True,
        text=True,
        timeout=1800,
        cwd=HERE,
        stdin=subprocess.DEVNULL,
    )
    if done.returncode != 0:
        print(f"(the official SDK's run failed: {done.stderr.strip()[-300:]})")
        return None
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> int:
    os.environ.update(LIMITER)
    with node_server(EXPORT_TOTAL) as url:
        print(
            f"benchmark server {url}; batch limiter {LIMITER['BATCH_CAPACITY']} tokens, {LIMITER['BATCH_REFILL']}/s\n"
        )

        print("Bulk trigger (batches.trigger_many, batches of 1,000, 4 in flight)")
        print("| items | items/s | 429s | failed | peak RSS |")
        print("|---|---|---|---|---|")
        for total in (10_000, 100_000):
            figures = run_python(BULK, url, str(total))
            print(
                f"| {total:,} | {total / figures['seconds']:,.0f} | {figures['rate_limited']} | "
                f"{figures['failed']} | {figures['peak_rss_mb']:.1f} MB |"
            )
        official = run_official(url, 100_000)
        if official is None:
            print("| official SDK | not installed: `npm ci --prefix tools/bench` | | | |")
        else:
            print(
                f"| 100,000, official SDK `batchTrigger` (1,000 at a time) | "
                f"{official['items'] / official['seconds']:,.0f} | | | {official['peak_rss_mb']:.1f} MB |"
            )

        print(f"\nExport ({EXPORT_TOTAL:,} runs through runs.list, 100 a page; best of 3, alternating)")
        results: dict[str, list[dict[str, Any]]] = {"raw": [], "client-json": [], "client-msgspec": []}
        for _ in range(3):
            for variant in results:
                results[variant].append(run_python(EXPORT, url, variant))
        raw_best = min(r["seconds"] for r in results["raw"])
        raw_cpu = min(r["cpu"] for r in results["raw"])
        print("| loop | items/s | vs raw | CPU per item | vs raw | peak RSS |")
        print("|---|---|---|---|---|---|")
        for variant, runs in results.items():
            best = min(r["seconds"] for r in runs)
            cpu = min(r["cpu"] for r in runs)
            label = {
                "raw": "urllib3 + json.loads",
                "client-json": "client, standard json",
                "client-msgspec": "client, msgspec (extra `fast`)",
            }[variant]
            print(
                f"| {label} | {EXPORT_TOTAL / best:,.0f} | {best / raw_best:.2f}x | "
                f"{cpu / EXPORT_TOTAL * 1e6:.1f} µs | {cpu / raw_cpu:.2f}x | "
                f"{max(r['peak_rss_mb'] for r in runs):.1f} MB |"
            )

        print("\n1,000 concurrent retrieves (median of 5 rounds, 32 connections)")
        print("| client | wall time | peak RSS |")
        print("|---|---|---|")
        for variant, label in (("aiohttp", "aiohttp directly"), ("client", "AsyncTriggerClient")):
            figures = run_python(CONCURRENT, url, variant)
            print(
                f"| {label} | {statistics.median(figures['times']) * 1000:.0f} ms | {figures['peak_rss_mb']:.1f} MB |"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""`make bench`: what trigger_dev costs on top of the HTTP call, measured against raw urllib3.

A Node server (tools/bench/server.mjs) on 127.0.0.1 serves a ~4 KB run, cursor pages of runs
and a trigger response. Each comparison runs A and B alternately (A B A B ...) so that a
noisy machine slows both alike; the table gives medians, the spread (lowest to highest
repetition) and the ratio of the medians. Prints figures; passes or fails nothing.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import urllib3

from trigger_dev._http.messages import Received

ROOT = Path(__file__).resolve().parents[2]
SERVER = Path(__file__).resolve().parent / "server.mjs"
KEY = "tr_dev_benchKey"
HEADERS = {"Authorization": f"Bearer {KEY}", "Accept": "application/json"}
TARGETS = {"retrieve": 1.10, "pagination": 1.25, "import": 1.30}
MEMORY_TARGET_MB = 2.0


# ---------------------------------------------------------------------------------------
# Realistic bodies


def related_run(number: int) -> dict[str, Any]:
    return {
        "id": f"run_{number:020d}",
        "taskIdentifier": "process-order",
        "idempotencyKey": "order-9f2c4e1a-7d3b-4c8e-9a1f-2b3c4d5e6f70",
        "version": "20250101.4",
        "status": "COMPLETED",
        "createdAt": "2025-01-01T00:00:00.000Z",
        "startedAt": "2025-01-01T00:00:01.250Z",
        "updatedAt": "2025-01-01T00:00:09.500Z",
        "finishedAt": "2025-01-01T00:00:09.500Z",
        "costInCents": 0.0421,
        "baseCostInCents": 0.0025,
        "durationMs": 8250,
        "isTest": False,
        "depth": 1,
        "tags": ["customer_4821", "priority", "region_eu"],
        "triggerFunction": "triggerAndWait",
        "batchId": "batch_0000000000000000000001",
        "metadata": {"step": "charged", "attempt": 1},
        "isQueued": False,
        "isExecuting": False,
        "isWaiting": False,
        "isCompleted": True,
        "isFailed": False,
        "isSuccess": True,
        "isCancelled": False,
    }


def retrieved_run() -> dict[str, Any]:
    """About 4 KB, like a run with a modest payload, output and a few related runs."""
    run = related_run(1) | {"depth": 0, "triggerFunction": "trigger"}
    run |= {
        "payload": {
            "orderId": "ord_7731",
            "items": [{"sku": f"SKU-{i:04d}", "qty": i % 3 + 1} for i in range(6)],
        },
        "output": {
            "charged": True,
            "amount": 12999,
            "currency": "EUR",
            "receipt": "rcpt_00000000000000000001",
        },
        "attemptCount": 1,
        "attempts": [],
        "schedule": None,
        "relatedRuns": {"root": related_run(1), "children": [related_run(n) for n in (2, 3, 4)]},
    }
    run.pop("schedule")
    return run


def list_items() -> list[dict[str, Any]]:
    statuses = ["COMPLETED", "EXECUTING", "FAILED", "QUEUED", "COMPLETED"]
    items = []
    for n in range(100):
        item = related_run(n) | {
            "status": statuses[n % 5],
            "env": {"id": "env_00000000000000000001", "name": "prod"},
        }
        item |= {"taskKind": "STANDARD", "region": "eu-central-1"}
        for key in ("triggerFunction", "batchId"):
            item.pop(key)
        items.append(item)
    return items


# ---------------------------------------------------------------------------------------
# Plumbing


@contextmanager
def node_server(total: int) -> Iterator[str]:
    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "run.json").write_text(json.dumps(retrieved_run()))
        Path(folder, "items.json").write_text(json.dumps(list_items()))
        process = subprocess.Popen(
            ["node", str(SERVER), folder, str(total)],
            stdout=subprocess.PIPE,
            text=True,
            stdin=subprocess.DEVNULL,
        )
        try:
            assert process.stdout is not None
            port = process.stdout.readline().strip()
            if not port.isdigit():
                raise SystemExit(f"the benchmark server did not start (said {port!r})")
            yield f"http://127.0.0.1:{port}"
        finally:
            process.terminate()
            process.wait(timeout=10)


def alternate(
    a: Callable[[], float], b: Callable[[], float], repetitions: int
) -> tuple[list[float], list[float]]:
    """Run a and b alternately; each returns a time per operation."""
    a(), b()  # warm up connections, caches and imports
    results_a, results_b = [], []
    for _ in range(repetitions):
        results_a.append(a())
        results_b.append(b())
    return results_a, results_b


def per_call(function: Callable[[], object], calls: int) -> Callable[[], float]:
    def measure() -> float:
        started = time.perf_counter()
        for _ in range(calls):
            function()
        return (time.perf_counter() - started) / calls

    return measure


def median(values: list[float]) -> float:
    return statistics.median(values)


# ---------------------------------------------------------------------------------------
# The comparisons


def bench_retrieve(url: str, repetitions: int) -> tuple[list[float], list[float]]:
    import trigger_dev

    pool = urllib3.PoolManager(maxsize=1)
    client = trigger_dev.TriggerClient(secret_key=KEY, base_url=url)
    target = f"{url}/api/v3/runs/run_00000000000000000001"

    def raw() -> object:
        return json.loads(pool.request("GET", target, headers=HEADERS).data)

    def sdk() -> object:
        return client.runs.retrieve("run_00000000000000000001")

    return alternate(per_call(raw, 300), per_call(sdk, 300), repetitions)


def bench_pagination(url: str, repetitions: int) -> tuple[list[float], list[float]]:
    import trigger_dev

    pool = urllib3.PoolManager(maxsize=1)
    client = trigger_dev.TriggerClient(secret_key=KEY, base_url=url)

    def raw() -> float:
        started, count, cursor = time.perf_counter(), 0, None
        while True:
            query = "page%5Bsize%5D=100" + (f"&page%5Bafter%5D={cursor}" if cursor else "")
            body = json.loads(pool.request("GET", f"{url}/api/v1/runs?{query}", headers=HEADERS).data)
            for _item in body["data"]:
                count += 1
            cursor = body["pagination"].get("next")
            if not cursor:
                return (time.perf_counter() - started) / count

    def sdk() -> float:
        started, count = time.perf_counter(), 0
        for _run in client.runs.list(limit=100):
            count += 1
        return (time.perf_counter() - started) / count

    return alternate(raw, sdk, repetitions)


def bench_async_retrieve(url: str, repetitions: int) -> tuple[list[float], list[float]]:
    """`AsyncTriggerClient.runs.retrieve` awaited in a loop, against the same raw urllib3 floor."""
    import asyncio

    import trigger_dev

    pool = urllib3.PoolManager(maxsize=1)
    target = f"{url}/api/v3/runs/run_00000000000000000001"
    loop = asyncio.new_event_loop()
    client = trigger_dev.AsyncTriggerClient(secret_key=KEY, base_url=url)

    async def calls(count: int) -> None:
        for _ in range(count):
            await client.runs.retrieve("run_00000000000000000001")

    def sdk() -> float:
        started = time.perf_counter()
        loop.run_until_complete(calls(300))
        return (time.perf_counter() - started) / 300

    def raw() -> object:
        return json.loads(pool.request("GET", target, headers=HEADERS).data)

    try:
        return alternate(per_call(raw, 300), sdk, repetitions)
    finally:
        loop.run_until_complete(client.close())
        loop.close()


def bench_overhead(repetitions: int) -> tuple[list[float], list[float]]:
    """The client's own cost per call: `runs.retrieve` with the network replaced by a canned
    response, against decoding that response's JSON (the least any client must do)."""
    import trigger_dev

    body = json.dumps(retrieved_run()).encode()
    canned = Received(200, {"content-type": "application/json"}, body)
    client = trigger_dev.TriggerClient(secret_key=KEY, base_url="http://127.0.0.1:9")
    client._client._transport.send = lambda *args, **kwargs: canned  # type: ignore[method-assign]

    return alternate(
        per_call(lambda: json.loads(body), 2000),
        per_call(lambda: client.runs.retrieve("run_1"), 2000),
        repetitions,
    )


def bench_pagination_overhead(repetitions: int) -> tuple[list[float], list[float]]:
    """Iterating 10,000 runs with the network replaced by canned pages, against decoding the
    same pages' JSON and walking their items."""
    import trigger_dev

    items = list_items()
    pages = []
    for start in range(0, 10_000, 100):
        pagination = {"previous": str(start)} | ({"next": str(start + 100)} if start + 100 < 10_000 else {})
        pages.append(json.dumps({"data": items, "pagination": pagination}).encode())
    canned = [Received(200, {"content-type": "application/json"}, page) for page in pages]

    def send(outgoing: Any) -> Received:
        after = outgoing.url.partition("page%5Bafter%5D=")[2].partition("&")[0]
        return canned[int(after or 0) // 100]

    client = trigger_dev.TriggerClient(secret_key=KEY, base_url="http://127.0.0.1:9")
    client._client._transport.send = send  # type: ignore[method-assign]

    def raw() -> float:
        started, count = time.perf_counter(), 0
        for page in pages:
            for _item in json.loads(page)["data"]:
                count += 1
        return (time.perf_counter() - started) / count

    def sdk() -> float:
        started, count = time.perf_counter(), 0
        for _run in client.runs.list(limit=100):
            count += 1
        return (time.perf_counter() - started) / count

    return alternate(raw, sdk, repetitions)


# A run's row as a realtime shape sends it (PostgreSQL text form), and the answers to the
# live requests that follow: each changes the status, the time and the metadata, as a task
# reporting progress does.
SHAPE_SCHEMA = json.dumps(
    {
        "id": {"type": "text", "pk_index": 0},
        "friendlyId": {"type": "text"},
        "taskIdentifier": {"type": "text"},
        "status": {"type": "TaskRunStatus"},
        "createdAt": {"type": "timestamp"},
        "updatedAt": {"type": "timestamp"},
        "startedAt": {"type": "timestamp"},
        "number": {"type": "int4"},
        "isTest": {"type": "bool"},
        "usageDurationMs": {"type": "int4"},
        "costInCents": {"type": "float8"},
        "baseCostInCents": {"type": "float8"},
        "payload": {"type": "text"},
        "payloadType": {"type": "text"},
        "metadata": {"type": "text"},
        "metadataType": {"type": "text"},
        "runTags": {"type": "text", "dims": 1},
        "error": {"type": "jsonb"},
    }
)
SHAPE_KEY = '"public"."TaskRun"/"cm7xq2bq80000abcd1234efgh"'


def shape_answers(variants: int = 100) -> tuple[Received, list[Received]]:
    row = {
        "id": "cm7xq2bq80000abcd1234efgh",
        "friendlyId": "run_cm7xq2bq80000abcd1234efgh",
        "taskIdentifier": "process-order",
        "status": "EXECUTING",
        "createdAt": "2025-01-01 00:00:00.123",
        "updatedAt": "2025-01-01 00:00:01.5",
        "startedAt": "2025-01-01 00:00:01.25",
        "number": "42",
        "isTest": "false",
        "usageDurationMs": "0",
        "costInCents": "0",
        "baseCostInCents": "0.0025",
        "payload": json.dumps(retrieved_run()["payload"]),
        "payloadType": "application/json",
        "metadata": json.dumps({"progress": 0}),
        "metadataType": "application/json",
        "runTags": "{customer_4821,priority,region_eu}",
        "error": None,
    }
    up_to_date = {"headers": {"control": "up-to-date"}}
    base = {"electric-handle": "17001-1735689600000", "content-type": "application/json"}
    snapshot = Received(
        200,
        base | {"electric-offset": "0_inf", "electric-schema": SHAPE_SCHEMA, "electric-up-to-date": ""},
        json.dumps(
            [{"key": SHAPE_KEY, "value": row, "headers": {"operation": "insert"}}, up_to_date]
        ).encode(),
    )
    updates = []
    for n in range(variants):
        change = {
            "id": row["id"],
            "updatedAt": f"2025-01-01 00:00:{n % 60:02d}.{n % 1000:03d}",
            "usageDurationMs": str(n * 10),
            "metadata": json.dumps({"progress": n / variants, "step": f"item {n}"}),
        }
        message = {"key": SHAPE_KEY, "value": change, "headers": {"operation": "update", "txids": [n]}}
        headers = base | {
            "electric-offset": f"{n + 1}_0",
            "electric-cursor": "1234",
            "electric-up-to-date": "",
        }
        updates.append(Received(200, headers, json.dumps([message, up_to_date]).encode()))
    return snapshot, updates


def canned_subscription(updates_wanted: int) -> Iterator[Any]:
    """`runs.subscribe_to_run` over canned answers: one update per live request."""
    import trigger_dev

    snapshot, updates = shape_answers()
    answers = iter([snapshot, *(updates[n % len(updates)] for n in range(updates_wanted))])
    client = trigger_dev.TriggerClient(secret_key=KEY, base_url="http://127.0.0.1:9")
    client._client._transport.send = lambda *args, **kwargs: next(answers)  # type: ignore[method-assign]
    return iter(client.runs.subscribe_to_run("run_cm7xq2bq80000abcd1234efgh"))


def bench_subscription_overhead(repetitions: int) -> tuple[list[float], list[float]]:
    """A subscription's cost per update with the network replaced by canned live answers,
    against decoding those answers' JSON."""
    _, updates = shape_answers()
    bodies = [u.content for u in updates]

    def raw() -> float:
        started = time.perf_counter()
        for n in range(5000):
            json.loads(bodies[n % len(bodies)])
        return (time.perf_counter() - started) / 5000

    def sdk() -> float:
        subscription = canned_subscription(5000)
        next(subscription)  # the snapshot
        started = time.perf_counter()
        for run in subscription:
            run.metadata  # noqa: B018  (read a field, as a caller would)
        return (time.perf_counter() - started) / 5000

    return alternate(raw, sdk, repetitions)


SUBSCRIPTION_PROBE = """
import sys
sys.path.insert(0, {tools!r})
from bench import canned_subscription
def rss(field):
    for line in open("/proc/self/status"):
        if line.startswith(field):
            return int(line.split()[1]) / 1024
count = 0
for run in canned_subscription(100_000):
    run.metadata
    count += 1
    if count == 10_000:
        baseline = rss("VmHWM:")
print(count - 1, baseline, rss("VmHWM:"))
"""


def bench_subscription_memory() -> tuple[int, float, float]:
    probe = SUBSCRIPTION_PROBE.format(tools=str(Path(__file__).resolve().parent))
    output = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    count, baseline, peak = output.stdout.split()
    return int(count), float(baseline), float(peak)


IMPORT_PROBE = "import time; t = time.perf_counter(); import {0}; print(time.perf_counter() - t)"


def bench_import(repetitions: int) -> tuple[list[float], list[float]]:
    def fresh(module: str) -> Callable[[], float]:
        def measure() -> float:
            output = subprocess.run(
                [sys.executable, "-c", IMPORT_PROBE.format(module)],
                capture_output=True,
                text=True,
                check=True,
            )
            return float(output.stdout)

        return measure

    return alternate(fresh("urllib3"), fresh("trigger_dev"), repetitions)


MEMORY_PROBE = """
import sys, trigger_dev
def rss(field):
    for line in open("/proc/self/status"):
        if line.startswith(field):
            return int(line.split()[1]) / 1024
client = trigger_dev.TriggerClient(secret_key="{key}", base_url="{url}")
count = 0
for run in client.runs.list(limit=100):
    count += 1
    if count == 10_000:
        baseline = rss("VmHWM:")
print(count, baseline, rss("VmHWM:"))
"""


def bench_memory(url: str) -> tuple[int, float, float]:
    output = subprocess.run(
        [sys.executable, "-c", MEMORY_PROBE.format(key=KEY, url=url)],
        capture_output=True,
        text=True,
        check=True,
    )
    count, baseline, peak = output.stdout.split()
    return int(count), float(baseline), float(peak)


CAPACITY_PROBE = """
import json, time, urllib3
pool = urllib3.PoolManager()
started = time.perf_counter()
for _ in range({calls}):
    json.loads(pool.request("GET", "{url}/api/v3/runs/run_1").data)
print({calls} / (time.perf_counter() - started))
"""


def bench_server_capacity(url: str, clients: int, calls: int = 2000) -> float:
    """Requests per second the server answers for `clients` raw clients at once."""
    probe = CAPACITY_PROBE.format(url=url, calls=calls)
    processes = [
        subprocess.Popen([sys.executable, "-c", probe], stdout=subprocess.PIPE, text=True)
        for _ in range(clients)
    ]
    return sum(float(p.communicate(timeout=120)[0]) for p in processes)


# ---------------------------------------------------------------------------------------


def row(name: str, unit: str, scale: float, a: list[float], b: list[float], target: float | None) -> str:
    ratio = median(b) / median(a)
    verdict = "" if target is None else ("meets" if ratio <= target else "MISSES") + f" ≤ {target:.2f}x"

    def figure(values: list[float]) -> str:
        return f"{median(values) * scale:.1f} {unit} ({min(values) * scale:.1f}-{max(values) * scale:.1f})"

    return f"| {name} | {figure(a)} | {figure(b)} | {ratio:.2f}x | {verdict} |"


def main() -> int:
    repetitions = int(os.environ.get("BENCH_REPETITIONS", "9"))
    print(
        f"Python {sys.version.split()[0]}, urllib3 {importlib.metadata.version('urllib3')}, {os.cpu_count()} CPUs, {repetitions} repetitions\n"
    )
    with node_server(total=10_000) as url:
        single = bench_server_capacity(url, clients=1)
        double = bench_server_capacity(url, clients=2)
        print(f"server capacity: {single:.0f} req/s for one raw client, {double:.0f} req/s for two at once")
        print("(a server that serves two clients about twice as fast as one is not the bottleneck)\n")
        retrieve = bench_retrieve(url, repetitions)
        overhead = bench_overhead(repetitions)
        async_retrieve = bench_async_retrieve(url, repetitions)
        pages = bench_pagination(url, repetitions)
        page_overhead = bench_pagination_overhead(repetitions)
    imports = bench_import(repetitions * 2)
    with node_server(total=100_000) as url:
        count, baseline, peak = bench_memory(url)
    subscription = bench_subscription_overhead(repetitions)
    updates, sub_baseline, sub_peak = bench_subscription_memory()

    lines = [
        "| measurement | raw urllib3 (median, spread) | trigger_dev (median, spread) | ratio | target |",
        "|---|---|---|---|---|",
        row("`runs.retrieve`, per call", "µs", 1e6, *retrieve, TARGETS["retrieve"]),
        row(
            "the same, network replaced by a canned response (vs `json.loads` only)",
            "µs",
            1e6,
            *overhead,
            None,
        ),
        row("`AsyncTriggerClient` `runs.retrieve`, per call", "µs", 1e6, *async_retrieve, None),
        row("`runs.list` auto-pagination, per item", "µs", 1e6, *pages, TARGETS["pagination"]),
        row(
            "the same, network replaced by canned pages (vs decoding them only)",
            "µs",
            1e6,
            *page_overhead,
            None,
        ),
        row("import, fresh process", "ms", 1e3, *imports, TARGETS["import"]),
    ]
    growth = peak - baseline
    lines.append(
        f"| peak RSS iterating {count:,} items | — | {baseline:.1f} MB after 10,000, {peak:.1f} MB at the end "
        f"| {growth:+.2f} MB | {'meets' if growth <= MEMORY_TARGET_MB else 'MISSES'} ≤ {MEMORY_TARGET_MB:g} MB |"
    )
    lines.append(
        row(
            "`runs.subscribe_to_run`, per update, network replaced by canned live answers "
            "(vs decoding them only)",
            "µs",
            1e6,
            *subscription,
            None,
        )
    )
    sub_growth = sub_peak - sub_baseline
    lines.append(
        f"| peak RSS following {updates:,} updates of a run | — | {sub_baseline:.1f} MB after 10,000, "
        f"{sub_peak:.1f} MB at the end | {sub_growth:+.2f} MB | "
        f"{'meets' if sub_growth <= MEMORY_TARGET_MB else 'MISSES'} ≤ {MEMORY_TARGET_MB:g} MB |"
    )
    print("\n".join(lines))
    items_per_second = 1 / median(pages[1])
    print(
        f"\nsummary: retrieve {median(retrieve[1]) / median(retrieve[0]):.2f}x "
        f"(the client's own work {(median(overhead[1]) - median(overhead[0])) * 1e6:.0f} µs a call), pagination "
        f"{median(pages[1]) / median(pages[0]):.2f}x ({items_per_second:,.0f} items/s), import "
        f"{median(imports[1]) / median(imports[0]):.2f}x, memory {growth:+.2f} MB over {count - 10_000:,} items; "
        f"a subscription {median(subscription[1]) * 1e6:.0f} µs per update, memory {sub_growth:+.2f} MB over "
        f"{updates - 10_000:,} updates"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

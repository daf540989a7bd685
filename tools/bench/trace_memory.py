"""`make bench` (part): what reading a run's 100,000 trace events costs in memory.

``runs.list_events`` and ``runs.retrieve_trace`` are one answer each (the routes do not
page), so the whole body is in memory at once: the figure to know is how much. A local
server answers both routes with a synthetic run of 100,000 events (a span tree for the
trace); each reader runs in a fresh interpreter, and the table gives its peak resident
memory (VmHWM) above the interpreter with the package imported, with the standard
library's decoder and with msgspec (the ``fast`` extra), next to urllib3 and plain
``json.loads`` of the same body. Prints figures; passes or fails nothing.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

EVENTS = 100_000
KEY = "tr_dev_benchKey"


def event(number: int) -> dict[str, Any]:
    """One event as the events route sends it (about 400 bytes of JSON)."""
    return {
        "spanId": f"{number:016x}",
        "parentId": f"{number // 10:016x}" if number else None,
        "runId": "run_1234abcd",
        "message": f"fetch https://api.example.com/items/{number}",
        "style": {"icon": "http", "variant": "primary"},
        "events": [],
        "startTime": 1735689600000000000 + number * 1_000_000,
        "duration": 2_500_000,
        "isError": False,
        "isPartial": False,
        "isCancelled": False,
        "level": "TRACE",
        "kind": "CLIENT",
        "attemptNumber": 1,
        "properties": {"http.method": "GET", "http.status_code": 200, "item": number},
    }


def trace_body(total: int) -> bytes:
    """A trace of ``total`` spans: ten children under each span, breadth first."""
    spans: list[dict[str, Any]] = [
        {
            "id": f"{n:016x}",
            "parentId": f"{(n - 1) // 10:016x}" if n else None,
            "runId": "run_1234abcd",
            "data": {"message": f"span {n}", "style": {"icon": "task"}, "duration": 1000, "level": "TRACE",
                     "isError": False, "isPartial": False, "isCancelled": False,
                     "startTime": "2025-01-01T00:00:00.000Z"},
            "children": [],
        }
        for n in range(total)
    ]  # fmt: skip
    for n in range(1, total):
        spans[(n - 1) // 10]["children"].append(spans[n])
    for span in spans:
        if span["parentId"] is None:
            del span["parentId"]
    return json.dumps({"trace": {"traceId": "a" * 32, "rootSpan": spans[0]}}, separators=(",", ":")).encode()


@contextmanager
def server(total: int) -> Iterator[tuple[str, int, int]]:
    events = json.dumps({"events": [event(n) for n in range(total)]}, separators=(",", ":")).encode()
    trace = trace_body(total)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = events if self.path.endswith("/events") else trace
            self.send_response(200)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", len(events), len(trace)
    finally:
        httpd.shutdown()


PROBE = """
import sys
if "{decoder}" == "json":
    sys.modules["msgspec"] = None  # the client decodes with the standard library, as without the extra
import json, urllib3, trigger_dev
def rss():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
client = trigger_dev.TriggerClient(secret_key="{key}", base_url="{url}")
before = rss()
reader = "{reader}"
if reader == "json.loads (events)":
    body = urllib3.request("GET", "{url}/api/v1/runs/run_1/events").data
    count = sum(1 for e in json.loads(body)["events"] if e["spanId"])
elif reader == "runs.list_events":
    count = sum(1 for e in client.runs.list_events("run_1").events if e["spanId"])
elif reader == "json.loads (trace)":
    body = urllib3.request("GET", "{url}/api/v1/runs/run_1/trace").data
    stack, count = [json.loads(body)["trace"]["rootSpan"]], 0
    while stack:
        span = stack.pop(); count += 1; stack.extend(span["children"])
else:
    stack, count = [client.runs.retrieve_trace("run_1").trace.root_span], 0
    while stack:
        span = stack.pop(); count += 1; span.data; stack.extend(span.children)
print(count, rss() - before)
"""

READERS = [
    ("json.loads (events)", "json"),
    ("runs.list_events", "json"),
    ("runs.list_events", "msgspec"),
    ("json.loads (trace)", "json"),
    ("runs.retrieve_trace", "json"),
    ("runs.retrieve_trace", "msgspec"),
]


def measure(url: str, reader: str, decoder: str) -> tuple[int, float]:
    probe = PROBE.format(key=KEY, url=url, reader=reader, decoder=decoder)
    output = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    count, grown = output.stdout.split()
    return int(count), float(grown)


def main() -> int:
    with server(EVENTS) as (url, events_bytes, trace_bytes):
        print(
            f"a run of {EVENTS:,} events: events body {events_bytes / 2**20:.1f} MiB, trace body {trace_bytes / 2**20:.1f} MiB"
        )
        print(f"{'reader':<24} {'decoder':<8} {'items read':>10} {'peak RSS added':>15}")
        for reader, decoder in READERS:
            count, grown = measure(url, reader, decoder)
            print(f"{reader:<24} {decoder:<8} {count:>10,} {grown:>12.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())

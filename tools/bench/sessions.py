"""`make bench`, part three: reading a session channel. Prints figures; passes or fails nothing.

A local stand-in of the session routes (tests/support/session_server.py) holds 100,000
parts of an agent's answer on a channel; `sessions.open(...).output.subscribe()` reads them
all, sync and async, sent as the server sends them (batches of up to 1,000 records). Python's
allocation tracker samples the memory held at 10,000, 50,000 and 100,000 parts read: flat
figures mean nothing grows with the stream (parts are handed on, only the last few thousand
part ids are kept for de-duplication).
"""

from __future__ import annotations

import asyncio
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import trigger_dev
from tests.support.session_server import SECRET_KEY, State, serving

PARTS = 100_000
SAMPLES = (10_000, 50_000, 100_000)


def _row(mode: str, seconds: float, held: dict[int, float], peak: float) -> str:
    cells = " | ".join(f"{held[n]:.2f} MiB" for n in SAMPLES)
    return f"| {mode} | {PARTS / seconds:,.0f} | {cells} | {peak:.2f} MiB |"


def _sample(count: int, held: dict[int, float]) -> None:
    if count in SAMPLES:
        held[count] = tracemalloc.get_traced_memory()[0] / 2**20


def read_sync(url: str) -> str:
    with trigger_dev.TriggerClient(secret_key=SECRET_KEY, base_url=url) as client:
        held: dict[int, float] = {}
        tracemalloc.start()
        started = time.perf_counter()
        count = 0
        for part in client.sessions.open("bench").output.subscribe(until_turn_complete=True):
            if part.control is None:
                count += 1
                _sample(count, held)
        seconds = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    assert count == PARTS, count
    return _row("sync", seconds, held, peak)


async def read_async(url: str) -> str:
    async with trigger_dev.AsyncTriggerClient(secret_key=SECRET_KEY, base_url=url) as client:
        held: dict[int, float] = {}
        tracemalloc.start()
        started = time.perf_counter()
        count = 0
        async for part in client.sessions.open("bench").output.subscribe(until_turn_complete=True):
            if part.control is None:
                count += 1
                _sample(count, held)
        seconds = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    assert count == PARTS, count
    return _row("async", seconds, held, peak)


def main() -> None:
    state = State(agent=False, batch_size=1000)
    state.preload("bench", "out", PARTS, {"type": "text-delta", "id": "t1", "delta": "word "})
    with serving(state) as (url, _):
        rows = [read_sync(url), asyncio.run(read_async(url))]
    print(f"Session channel: {PARTS:,} parts through sessions.open(...).output.subscribe()")
    print("(memory held by Python objects, traced, at each count of parts read; throughput under tracing)")
    print("| client | parts/s | held at 10,000 | held at 50,000 | held at 100,000 | peak |")
    print("|---|---|---|---|---|---|")
    for row in rows:
        print(row)


if __name__ == "__main__":
    main()

"""Many calls at once on one client: a 429 on one call holds back the others (the ones
queued for a connection included) until the pause the server asked for is over, so a rate
limit costs one 429 per call already on the wire rather than one per call; nothing is left
behind when the calls are done."""

from __future__ import annotations

import asyncio
import json
import math
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import ClassVar

import pytest

import trigger_dev
from tests.support.clients import async_client, sync_client
from tests.support.local_server import JsonHandler, serving

PAUSE = 0.4  # seconds the server's limiter asks for


class LimitedServer(JsonHandler):
    """Answers retrieves; from the first request on, every request in the next ``PAUSE``
    seconds gets 429 with ``x-ratelimit-reset`` (epoch milliseconds), as the API limiter
    answers."""

    lock = threading.Lock()
    limited_until: ClassVar[float] = 0.0
    started: ClassVar[bool] = False
    arrivals: ClassVar[list[tuple[float, int]]] = []

    def do_GET(self) -> None:
        now = time.time()
        with self.lock:
            if not LimitedServer.started:
                LimitedServer.started = True
                LimitedServer.limited_until = now + PAUSE
            limited = now < LimitedServer.limited_until
            self.arrivals.append((now, 429 if limited else 200))
        if limited:
            payload = b'{"error": "Rate limit exceeded"}'
            self.send_response(429)
            self.send_header("Content-Type", "application/json")
            # Rounded up: a client waiting until the stated reset is never early.
            self.send_header("x-ratelimit-reset", str(math.ceil(LimitedServer.limited_until * 1000)))
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
            return
        run_id = self.path.rsplit("/", 1)[-1]
        self.send_json(json.dumps({"id": run_id, "status": "COMPLETED"}))


@pytest.fixture
def limited() -> Iterator[str]:
    LimitedServer.started, LimitedServer.arrivals = False, []
    with serving(LimitedServer) as url:
        yield url


def test_a_thousand_async_calls_share_one_pause(limited: str) -> None:
    async def main() -> tuple[list[str], int]:
        async with async_client(limited) as client:
            results = await asyncio.gather(
                *(client.runs.with_raw_response.retrieve(f"run_{i}") for i in range(1_000))
            )
            left = len(asyncio.all_tasks())
            return [r.json()["id"] for r in results], left

    ids, tasks_left = asyncio.run(main())
    assert ids == [f"run_{i}" for i in range(1_000)]
    assert tasks_left == 1  # only main(): no task outlives its call
    refused = sum(1 for _, status in LimitedServer.arrivals if status == 429)
    # At most the requests already on their connections (32) when the first 429 came back.
    assert 1 <= refused <= 32
    assert len(LimitedServer.arrivals) == 1_000 + refused


def test_a_call_made_during_the_pause_waits_for_its_end(limited: str) -> None:
    with sync_client(limited, attempts=1) as client:
        with pytest.raises(trigger_dev.RateLimitError):
            client.runs.retrieve("run_1")  # no retries: the 429 is raised
        started = time.monotonic()
        assert (
            client.runs.with_raw_response.retrieve("run_2").json()["id"] == "run_2"
        )  # held back, not refused
    assert time.monotonic() - started >= PAUSE - 0.1
    assert [status for _, status in LimitedServer.arrivals] == [429, 200]


def test_threads_on_one_sync_client(limited: str) -> None:
    with sync_client(limited) as client, ThreadPoolExecutor(max_workers=16) as pool:
        ids = list(
            pool.map(lambda i: client.runs.with_raw_response.retrieve(f"run_{i}").json()["id"], range(300))
        )
    assert ids == [f"run_{i}" for i in range(300)]
    assert 1 <= sum(1 for _, status in LimitedServer.arrivals if status == 429) <= 16

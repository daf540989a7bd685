"""One client shared by 16 threads: every response belongs to its own request, and the
connection pool stays bounded."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.support.clients import sync_client
from tests.support.local_server import JsonHandler, serving

THREADS = 16
CALLS = 2000


class _Echo(JsonHandler):
    """Answers a replay with the run id it was asked about, and counts connections."""

    lock = threading.Lock()
    connections = 0
    open_now = 0
    most_open = 0

    def setup(self) -> None:
        super().setup()
        with self.lock:
            type(self).connections += 1
            type(self).open_now += 1
            type(self).most_open = max(self.most_open, self.open_now)

    def finish(self) -> None:
        super().finish()
        with self.lock:
            type(self).open_now -= 1

    def do_POST(self) -> None:
        run_id = self.path.split("/")[4]
        self.send_json(json.dumps({"id": f"replay-of-{run_id}"}))


@pytest.fixture
def echo_url() -> Iterator[str]:
    _Echo.connections = _Echo.open_now = _Echo.most_open = 0
    with serving(_Echo) as url:
        yield url


def test_sixteen_threads_share_one_client(echo_url: str) -> None:
    client = sync_client(echo_url, retry={"max_attempts": 1})

    def call(number: int) -> tuple[str, str]:
        run_id = f"run_{number}"
        return run_id, client.runs.replay(run_id).id

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        results = list(pool.map(call, range(CALLS)))
    elapsed = time.monotonic() - started

    assert len(results) == CALLS
    mismatched = [(asked, got) for asked, got in results if got != f"replay-of-{asked}"]
    assert mismatched == []
    # One connection per thread at most, each reused for the thread's later calls.
    assert _Echo.connections <= THREADS
    assert _Echo.most_open <= THREADS
    print(
        f"\n{CALLS} calls from {THREADS} threads in {elapsed:.2f} s ({CALLS / elapsed:.0f} calls/s), "
        f"{_Echo.connections} connections opened, at most {_Echo.most_open} open at once"
    )

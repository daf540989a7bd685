"""A stand-in for the server's two-phase batch API, with its batch limiter, for tests and the
bulk benchmark: `POST /api/v3/batches`, `POST /api/v3/batches/{id}/items` (NDJSON) and
`GET /api/v2/batches/{id}`, on 127.0.0.1.

What it models, from the reference (2.6, 2.9) and the upstream routes:
- the batch limiter: a token bucket per server where each run of ``runCount`` costs a token;
  a creation it cannot pay for is answered 429 with ``Retry-After`` (seconds) and
  ``X-RateLimit-Reset`` (Unix seconds);
- batch idempotency: a creation with a key seen before answers that batch, ``isCached: true``;
- items de-duplicated by their index within a batch, and runs by their item's idempotency
  key across batches (a re-run returns the existing run rather than making another);
- the batch is sealed once every index has arrived; ``unsealed_batches`` never seal.
Runs are created at once, so ``GET /api/v2/batches/{id}`` lists them in item order.
"""

from __future__ import annotations

import itertools
import json
import math
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class StoredBatch:
    id: str
    run_count: int
    task_identifiers: list[str]
    runs: dict[int, str] = field(default_factory=dict)  # item index -> run id
    sealed: bool = False


@dataclass
class BatchServerState:
    """What the server has seen, and how it behaves. Thread-safe through ``lock``."""

    capacity: float = 1_000_000.0  # tokens (runs) the bucket holds
    refill_per_second: float = 1_000_000.0
    retry_after: float | None = None  # a fixed Retry-After instead of the computed one (may be fractional)
    fail_creations: int = 0  # answer this many creations with 429 first, whatever the bucket
    unsealed_batches: set[int] = field(default_factory=set)  # creation numbers that never seal
    unsealed_rows: set[int] = field(default_factory=set)  # a batch with an item {"row": n} never seals
    lock: threading.Lock = field(default_factory=threading.Lock)
    batches: dict[str, StoredBatch] = field(default_factory=dict)
    batch_keys: dict[str, str] = field(default_factory=dict)
    runs_by_key: dict[str, str] = field(default_factory=dict)
    runs_created: int = 0
    creations: list[tuple[float, int]] = field(default_factory=list)  # (time, status) of each creation
    rejected_at: list[tuple[float, float]] = field(default_factory=list)  # (time, wait asked) of each 429
    tokens: float = -1.0
    refilled_at: float = 0.0
    counter: Iterator[int] = field(default_factory=itertools.count)

    def take(self, count: int) -> float | None:
        """Tokens for ``count`` runs, or the seconds until the bucket could pay."""
        now = time.monotonic()
        if self.tokens < 0:
            self.tokens, self.refilled_at = self.capacity, now
        self.tokens = min(self.capacity, self.tokens + (now - self.refilled_at) * self.refill_per_second)
        self.refilled_at = now
        if self.fail_creations > 0:
            self.fail_creations -= 1
            return self.retry_after if self.retry_after is not None else 1.0
        if self.tokens >= count:
            self.tokens -= count
            return None
        wait = (count - self.tokens) / self.refill_per_second
        return self.retry_after if self.retry_after is not None else wait


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    state: BatchServerState

    def log_message(self, *args: object) -> None:
        pass

    def _send(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks: list[bytes] = []
            while True:
                size = int(self.rfile.readline().strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def do_POST(self) -> None:
        path = self.path.split("?", 1)[0]
        body = self._body()
        if path == "/api/v3/batches":
            self._create(json.loads(body))
        elif path.startswith("/api/v3/batches/") and path.endswith("/items"):
            self._items(path.split("/")[4], body)
        else:
            self._send(404, {"error": "Not found"})

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        if path.startswith("/api/v2/batches/"):
            state = self.state
            with state.lock:
                batch = state.batches.get(path.rsplit("/", 1)[1])
                if batch is None:
                    self._send(404, {"error": "Not found"})
                    return
                runs = [batch.runs[i] for i in sorted(batch.runs)]
                document = {
                    "id": batch.id,
                    "status": "COMPLETED" if batch.sealed else "PENDING",
                    "createdAt": "2025-01-01T00:00:00.000Z",
                    "updatedAt": "2025-01-01T00:00:00.000Z",
                    "runCount": batch.run_count,
                    "runs": runs,
                }
            self._send(200, document)
        else:
            self._send(404, {"error": "Not found"})

    def _create(self, body: dict[str, Any]) -> None:
        state = self.state
        with state.lock:
            key = body.get("idempotencyKey")
            if key and key in state.batch_keys:
                batch = state.batches[state.batch_keys[key]]
                state.creations.append((time.monotonic(), 200))
                self._send(200, {"id": batch.id, "runCount": batch.run_count, "isCached": True})
                return
            wait = state.take(int(body["runCount"]))
            if wait is not None:
                now = time.monotonic()
                state.creations.append((now, 429))
                state.rejected_at.append((now, wait))
                self._send(
                    429,
                    {"error": "Batch rate limit exceeded"},
                    {
                        # Rounded up, as the server does: a client waiting this long is never early.
                        "Retry-After": f"{math.ceil(wait * 1000) / 1000:.3f}".rstrip("0").rstrip(".")
                        if wait < 1
                        else str(math.ceil(wait)),
                        "X-RateLimit-Reset": str(math.ceil(time.time() + wait)),
                        "X-RateLimit-Remaining": "0",
                    },
                )
                return
            number = next(state.counter)
            batch = StoredBatch(
                f"batch_{number:06d}", int(body["runCount"]), list(body.get("taskIdentifiers", []))
            )
            state.batches[batch.id] = batch
            if key:
                state.batch_keys[key] = batch.id
            state.creations.append((time.monotonic(), 200))
            self.unsealed = number in state.unsealed_batches
            if self.unsealed:
                batch.sealed = False
                batch.run_count = -batch.run_count  # marks it: never seals
        self._send(200, {"id": batch.id, "runCount": abs(batch.run_count), "isCached": False})

    def _items(self, batch_id: str, body: bytes) -> None:
        state = self.state
        accepted = deduplicated = 0
        with state.lock:
            batch = state.batches.get(batch_id)
            if batch is None:
                self._send(404, {"error": f"Batch {batch_id} not found"})
                return
            for raw in body.splitlines():
                if not raw.strip():
                    continue
                item = json.loads(raw)
                payload = item.get("payload")
                if isinstance(payload, dict) and payload.get("row") in state.unsealed_rows:
                    batch.run_count = -abs(batch.run_count)
                index = int(item["index"])
                if index in batch.runs:
                    deduplicated += 1
                    continue
                key = (item.get("options") or {}).get("idempotencyKey")
                if key and key in state.runs_by_key:
                    batch.runs[index] = state.runs_by_key[key]
                else:
                    state.runs_created += 1
                    run_id = f"run_{state.runs_created:08d}"
                    batch.runs[index] = run_id
                    if key:
                        state.runs_by_key[key] = run_id
                accepted += 1
            never = batch.run_count < 0
            batch.sealed = not never and len(batch.runs) == batch.run_count
            if batch.runs and len(batch.runs) > abs(batch.run_count):
                raise AssertionError("more items than the batch's run count")
            sealed = batch.sealed
        self._send(
            200,
            {"id": batch_id, "itemsAccepted": accepted, "itemsDeduplicated": deduplicated, "sealed": sealed},
        )


@contextmanager
def batch_server(state: BatchServerState | None = None) -> Iterator[tuple[str, BatchServerState]]:
    """Serve the batch API until the block ends; yields the base URL and the state."""
    state = state or BatchServerState()
    handler = type("BatchHandler", (_Handler,), {"state": state})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", state
    finally:
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()

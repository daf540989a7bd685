"""A local stand-in for the realtime side of a Trigger.dev server, on 127.0.0.1.

It speaks the two protocols as the upstream server does (see docs/realtime.md for the facts
and their sources):

- shape streams (``/realtime/v1/runs/{id}``, ``/realtime/v1/runs?tags=``,
  ``/realtime/v1/batches/{id}``): rows of the run table in PostgreSQL's text form, typed by
  an ``electric-schema`` header; ``offset``/``handle``/``live``/``cursor``; updates carrying
  only the changed columns; 409 must-refetch when the handle is rotated; live requests held
  until a row changes; 429 over the live-connection limit;
- output streams (``/realtime/v1/streams/{run}/{key}``) in both formats, resumable with
  ``Last-Event-ID``.

Tests script it: rows are inserted, updated and deleted while a client follows them, and
``faults`` makes the next requests fail in a chosen way. Every wait is bounded.

As a command, ``python tests/support/realtime_server.py -- COMMAND...`` serves it with a
demo ``summarize-article`` task (it starts, reports progress, streams a summary and
completes) and runs COMMAND with TRIGGER_API_URL and TRIGGER_SECRET_KEY set, exiting with
its status: how ``examples/watching_runs.py`` runs without a Trigger.dev server.
"""

from __future__ import annotations

import datetime
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

HOLD_SECONDS = 0.3
"""How long a live request is held without news (the real server: 20 s)."""
RESERVED_COLUMNS = {"id", "taskIdentifier", "friendlyId", "status", "createdAt"}
TASK_RUN_SCHEMA: dict[str, dict[str, Any]] = {
    "id": {"type": "text", "pk_index": 0, "not_null": True},
    "taskIdentifier": {"type": "text", "not_null": True},
    "createdAt": {"type": "timestamp", "not_null": True},
    "updatedAt": {"type": "timestamp", "not_null": True},
    "startedAt": {"type": "timestamp"},
    "delayUntil": {"type": "timestamp"},
    "queuedAt": {"type": "timestamp"},
    "expiredAt": {"type": "timestamp"},
    "completedAt": {"type": "timestamp"},
    "friendlyId": {"type": "text", "not_null": True},
    "number": {"type": "int4", "not_null": True},
    "isTest": {"type": "bool", "not_null": True},
    "status": {"type": "TaskRunStatus", "not_null": True},
    "usageDurationMs": {"type": "int4", "not_null": True},
    "costInCents": {"type": "float8", "not_null": True},
    "baseCostInCents": {"type": "float8", "not_null": True},
    "ttl": {"type": "text"},
    "payload": {"type": "text", "not_null": True},
    "payloadType": {"type": "text", "not_null": True},
    "metadata": {"type": "text"},
    "metadataType": {"type": "text", "not_null": True},
    "output": {"type": "text"},
    "outputType": {"type": "text", "not_null": True},
    "runTags": {"type": "text", "dims": 1},
    "error": {"type": "jsonb"},
    "realtimeStreams": {"type": "text", "dims": 1, "not_null": True},
}
COLUMNS = list(TASK_RUN_SCHEMA)


def pg_text(value: Any) -> str | None:
    """A Python value in PostgreSQL's text form, as Electric sends it (``::text``)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.datetime):
        text = value.astimezone(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]
        return text.rstrip("0").rstrip(".")
    if isinstance(value, list):
        return "{" + ",".join(_array_item(v) for v in value) + "}"
    if isinstance(value, dict):
        return json.dumps(value)
    return str(value)


def _array_item(value: Any) -> str:
    if value is None:
        return "NULL"
    text = str(value)
    if text == "" or any(c in text for c in ',{}"\\ ') or text.upper() == "NULL":
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return text


def run_row(number: int, **changes: Any) -> dict[str, Any]:
    """A run's row with the defaults a freshly triggered run has."""
    created = datetime.datetime(2026, 1, 2, 3, 4, 5, 120000, tzinfo=datetime.timezone.utc)
    row: dict[str, Any] = {
        "id": f"cm{number:08d}",
        "friendlyId": f"run_{number}",
        "taskIdentifier": "send-email",
        "createdAt": created,
        "updatedAt": created,
        "startedAt": None,
        "delayUntil": None,
        "queuedAt": created,
        "expiredAt": None,
        "completedAt": None,
        "number": number,
        "isTest": False,
        "status": "PENDING",
        "usageDurationMs": 0,
        "costInCents": 0,
        "baseCostInCents": 0,
        "ttl": "10m",
        "payload": json.dumps({"to": "a@example.com"}),
        "payloadType": "application/json",
        "metadata": None,
        "metadataType": "application/json",
        "output": None,
        "outputType": "application/json",
        "runTags": [],
        "error": None,
        "realtimeStreams": [],
        "batchId": None,  # used by the batch feed's filter; not a selected column
    }
    row.update(changes)
    return row


@dataclass
class Change:
    seq: int
    operation: str  # insert, update, delete
    row_id: str
    columns: dict[str, Any]


@dataclass
class Request:
    path: str
    query: dict[str, str]
    headers: dict[str, str]


@dataclass
class OutputStreamScript:
    """One output stream: v1 entries ``(id, [lines])`` or v2 records ``(seq, body)``."""

    version: str = "v1"
    entries: list[tuple[str | None, list[str]]] = field(default_factory=list)
    records: list[tuple[int, Any]] = field(default_factory=list)
    drop_after: deque[int] = field(default_factory=deque)  # per connection: events before hanging up
    statuses: deque[int] = field(default_factory=deque)  # per connection: an error status instead
    pace: float = 0.0  # seconds between two events


class RealtimeServer:
    """The state behind the handler: the run table, its change log, streams and faults."""

    def __init__(self) -> None:
        self.rows: dict[str, dict[str, Any]] = {}
        self.log: list[Change] = []
        self.changed = threading.Condition()
        self.handle = "17001-1735689600000"
        self.handles_made = 1
        self.hold_seconds = HOLD_SECONDS
        self.snapshot_chunk = 1000  # rows per answer of the first sync
        self.max_live: int | None = None
        self.live_now = 0
        # For the next shape requests: "429", "503", "401", "drop" (hang up mid-body), "rotate"
        # (drop the shape: 409), "strip" (an answer without the electric-* headers).
        self.faults: deque[str] = deque()
        self.aborted: list[str] = []  # output streams the client hung up on
        self.requests: list[Request] = []
        self.streams: dict[tuple[str, str], OutputStreamScript] = {}
        self.objects: dict[str, tuple[str, bytes]] = {}  # storage path -> (content type, body)
        self.base_url = ""
        self.stopping = threading.Event()
        # Called (in a thread of its own) with each run a trigger creates: a test's script of
        # what the task does, using `insert`/`update` and `streams`.
        self.on_trigger: Any = None
        self.triggered = 0
        self.workers: list[threading.Thread] = []

    # -- the run table ------------------------------------------------------------------

    def insert(self, row: dict[str, Any]) -> None:
        with self.changed:
            self.rows[row["id"]] = dict(row)
            self._append("insert", row["id"], {c: row.get(c) for c in COLUMNS})

    def update(self, row_id: str, **columns: Any) -> None:
        with self.changed:
            self.rows[row_id].update(columns)
            self._append("update", row_id, columns)

    def delete(self, row_id: str) -> None:
        with self.changed:
            self._append("delete", row_id, {})
            del self.rows[row_id]

    def rotate(self) -> None:
        """Drop the shape: every client must start again (409 must-refetch)."""
        with self.changed:
            self.handles_made += 1
            self.handle = f"17001-{1735689600000 + self.handles_made}"
            self.changed.notify_all()

    def _append(self, operation: str, row_id: str, columns: dict[str, Any]) -> None:
        self.log.append(Change(len(self.log) + 1, operation, row_id, columns))
        self.changed.notify_all()

    def trigger(self, task: str, payload: Any) -> str:
        with self.changed:
            self.triggered += 1
            row = run_row(100 + self.triggered, taskIdentifier=task, payload=json.dumps(payload))
        self.insert(row)
        if self.on_trigger is not None:
            worker = threading.Thread(target=self.on_trigger, args=(self, row), daemon=True)
            self.workers.append(worker)
            worker.start()
        return str(row["friendlyId"])

    def retrieved(self, run_id: str) -> dict[str, Any] | None:
        """The run as `runs.retrieve` answers, from its row."""
        from tests.support.factories import retrieved_run
        from trigger_dev._spec import DATABASE_STATUSES

        row = next((r for r in self.rows.values() if r["friendlyId"] == run_id), None)
        if row is None:
            return None
        status = DATABASE_STATUSES.get(row["status"], "QUEUED")
        final = status in ("COMPLETED", "CANCELED", "FAILED", "CRASHED", "SYSTEM_FAILURE")
        output = json.loads(row["output"]) if row.get("output") else None
        return retrieved_run(
            run_id,
            status=status,
            taskIdentifier=row["taskIdentifier"],
            isCompleted=final,
            isSuccess=status == "COMPLETED",
            isExecuting=status == "EXECUTING",
            isQueued=status == "QUEUED",
            payload=json.loads(row["payload"]),
            **({"output": output} if output is not None else {}),
        )

    def shape_requests(self) -> list[Request]:
        return [r for r in self.requests if not r.path.startswith("/realtime/v1/streams/")]

    # -- answering shape requests -------------------------------------------------------

    def shape(self, request: Request, where: dict[str, Any]) -> tuple[int, dict[str, str], Any]:
        query = request.query
        if "x-trigger-electric-version" not in {k.lower() for k in request.headers}:
            return 400, {}, {"error": "this stand-in only speaks the current protocol"}
        offset = query.get("offset")
        if offset is None:
            return 400, {}, {"offset": ["can't be blank"]}
        live = query.get("live") == "true"
        if live and offset == "-1":
            return 400, {}, {"live": ["can't be true for offset -1"]}
        handle = query.get("handle")
        if offset != "-1" and handle is None:
            return 400, {}, {"handle": ["can't be blank when offset != -1"]}
        if handle is not None and handle != self.handle:
            return 409, {"electric-handle": self.handle}, [{"headers": {"control": "must-refetch"}}]
        skipped = set(query.get("skipColumns", "").split(",")) - RESERVED_COLUMNS
        columns = [c for c in COLUMNS if c not in skipped]
        base = {"electric-handle": self.handle, "content-type": "application/json"}
        if offset == "-1" or offset.split("_")[1] not in ("0", "inf"):
            return self._snapshot(offset, where, columns, base)
        since = int(offset.split("_")[0])
        if live:
            return self._live(request, since, where, columns, base)
        messages, last = self._changes(since, where, columns)
        headers = {**base, "electric-offset": f"{last}_0", "electric-schema": self._schema(columns)}
        return 200, {**headers, "electric-up-to-date": ""}, [*messages, _up_to_date()]

    def _snapshot(
        self, offset: str, where: dict[str, Any], columns: list[str], base: dict[str, str]
    ) -> tuple[int, dict[str, str], Any]:
        with self.changed:
            matching = [row for row in self.rows.values() if _matches(row, where)]
            at = len(self.log) if offset == "-1" else int(offset.split("_")[0])
        sent = 0 if offset == "-1" else int(offset.split("_")[1])
        part = matching[sent : sent + self.snapshot_chunk]
        messages: list[Any] = [
            _message("insert", row["id"], {c: row.get(c) for c in columns}) for row in part
        ]
        headers = {**base, "electric-schema": self._schema(columns)}
        if sent + len(part) < len(matching):
            return 200, {**headers, "electric-offset": f"{at}_{sent + len(part)}"}, messages
        return (
            200,
            {**headers, "electric-offset": f"{at}_inf", "electric-up-to-date": ""},
            [*messages, _up_to_date()],
        )

    def _live(
        self, request: Request, since: int, where: dict[str, Any], columns: list[str], base: dict[str, str]
    ) -> tuple[int, dict[str, str], Any]:
        with self.changed:
            if self.max_live is not None and self.live_now >= self.max_live:
                return 429, {}, {"error": "Too many concurrent requests"}
            self.live_now += 1
        try:
            deadline = time.monotonic() + self.hold_seconds
            with self.changed:
                handle = self.handle
                while not self.stopping.is_set():
                    messages, last = self._changes(since, where, columns)
                    if messages or self.handle != handle:
                        break
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        break
                    self.changed.wait(min(remaining, 0.05))
            if self.handle != handle:
                return 409, {"electric-handle": self.handle}, [{"headers": {"control": "must-refetch"}}]
            cursor = str(int(time.time() // 20) * 20)
            headers = {
                **base,
                "electric-offset": f"{last}_0",
                "electric-cursor": cursor,
                "electric-up-to-date": "",
            }
            return 200, headers, [*messages, _up_to_date()]
        finally:
            with self.changed:
                self.live_now -= 1

    def _changes(self, since: int, where: dict[str, Any], columns: list[str]) -> tuple[list[Any], int]:
        messages = []
        for change in self.log[since:]:
            row = self.rows.get(change.row_id)
            if change.operation == "delete":
                messages.append(_message("delete", change.row_id, {"id": change.row_id}))
                continue
            if row is None or not _matches(row, where):
                continue
            values = {c: v for c, v in change.columns.items() if c in columns}
            messages.append(_message(change.operation, change.row_id, {"id": change.row_id, **values}))
        return messages, len(self.log)

    @staticmethod
    def _schema(columns: list[str]) -> str:
        return json.dumps({c: TASK_RUN_SCHEMA[c] for c in columns})


def _matches(row: dict[str, Any], where: dict[str, Any]) -> bool:
    if "friendlyId" in where:
        return bool(row["friendlyId"] == where["friendlyId"])
    if "batchId" in where:
        return bool(row.get("batchId") == where["batchId"])
    return set(where["tags"]) <= set(row.get("runTags") or [])


def _message(operation: str, row_id: str, values: dict[str, Any]) -> dict[str, Any]:
    return {
        "key": f'"public"."TaskRun"/"{row_id}"',
        "value": {c: pg_text(v) for c, v in values.items()},
        "headers": {"operation": operation, "relation": ["public", "TaskRun"], "txids": [7]},
    }


def _up_to_date() -> dict[str, Any]:
    return {"headers": {"control": "up-to-date", "global_last_seen_lsn": "1234"}}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server: Any

    def log_message(self, *args: object) -> None:
        pass

    @property
    def state(self) -> RealtimeServer:
        return self.server.state  # type: ignore[no-any-return]

    def do_POST(self) -> None:
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length) or b"{}")
        self.state.requests.append(Request(parts.path, {}, dict(self.headers.items())))
        if parts.path.startswith("/api/v1/tasks/") and parts.path.endswith("/trigger"):
            task = unquote(parts.path.split("/")[4])
            run_id = self.state.trigger(task, body.get("payload"))
            # The server signs a read token for the new run; any string stands in for it here.
            self.send_json(200, {"id": run_id, "isCached": False}, {"x-trigger-jwt": f"token-for-{run_id}"})
        elif parts.path == "/api/v1/auth/jwt/claims":
            self.send_json(200, {"sub": "env_1234", "pub": True})
        else:
            self.send_json(404, {"error": "Not found"})

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        request = Request(parts.path, query, dict(self.headers.items()))
        self.state.requests.append(request)
        path = parts.path
        if path.startswith("/realtime/v1/streams/"):
            _, run_id, key = path.removeprefix("/realtime/v1/streams").split("/", 2)
            self.output_stream(unquote(run_id), unquote(key))
        elif path.startswith("/realtime/v1/"):
            self.shape_request(request, path)
        elif path.startswith("/api/v3/runs/"):
            run = self.state.retrieved(unquote(path.removeprefix("/api/v3/runs/")))
            self.send_json(200 if run else 404, run or {"error": "Run not found"})
        elif path.startswith("/api/v1/packets/"):
            stored = unquote(path.removeprefix("/api/v1/packets/"))
            self.send_json(200, {"presignedUrl": f"{self.state.base_url}/objects/{stored}?X-Amz-Signature=0"})
        elif path.startswith("/objects/"):
            content_type, body = self.state.objects[unquote(path.removeprefix("/objects/"))]
            self.send_body(200, body, {"Content-Type": content_type})
        else:
            self.send_json(404, {"error": "Not found"})

    def shape_request(self, request: Request, path: str) -> None:
        fault = self.state.faults.popleft() if self.state.faults else None
        if fault == "drop":
            # Headers and half a body, then the connection goes away.
            self.wfile.write(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 400\r\n\r\n[{"
            )
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        if fault == "rotate":
            self.state.rotate()
        elif fault == "strip":
            self.send_json(200, [{"headers": {"control": "up-to-date"}}])
            return
        elif fault in ("429", "503", "401"):
            bodies = {
                "429": "Too many concurrent requests",
                "503": "Network error occurred",
                "401": "Invalid API Key",
            }
            self.send_json(int(fault), {"error": bodies[fault]})
            return
        where: dict[str, Any]
        if path == "/realtime/v1/runs":
            where = {"tags": request.query.get("tags", "").split(",")}
        elif path.startswith("/realtime/v1/batches/"):
            batch = unquote(path.rsplit("/", 1)[1])
            if not any(r.get("batchId") == batch for r in self.state.rows.values()):
                self.send_json(404, {"error": "Not found"}, {"x-should-retry": "true"})
                return
            where = {"batchId": batch}
        else:
            run_id = unquote(path.rsplit("/", 1)[1])
            if not any(r["friendlyId"] == run_id for r in self.state.rows.values()):
                self.send_json(404, {"error": "Not found"})
                return
            where = {"friendlyId": run_id}
        status, headers, body = self.state.shape(request, where)
        self.send_json(status, body, headers)

    def output_stream(self, run_id: str, key: str) -> None:
        script = self.state.streams.get((run_id, key))
        if script is None:
            self.send_json(404, {"error": "Run not found"})
            return
        if script.statuses:
            self.send_json(script.statuses.popleft(), {"error": "Internal Server Error"})
            return
        after = self.headers.get("Last-Event-ID")
        drop_after = script.drop_after.popleft() if script.drop_after else None
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        if script.version == "v2":
            self.send_header("X-Stream-Version", "v2")
        self.end_headers()
        sent = 0
        try:
            self.chunk(b": ping\n\n")
            for event in _events(script, after):
                if drop_after is not None and sent >= drop_after:
                    self.wfile.flush()
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                if script.pace and self.state.stopping.wait(script.pace):
                    return
                self.chunk(event)
                sent += 1
            self.wfile.write(b"0\r\n\r\n")
        except OSError:  # the client hung up
            self.state.aborted.append(f"{run_id}/{key}")
        self.close_connection = True

    def chunk(self, data: bytes) -> None:
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()

    def send_json(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        self.send_body(
            status, json.dumps(body).encode(), {"Content-Type": "application/json", **(headers or {})}
        )

    def send_body(self, status: int, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def _events(script: OutputStreamScript, after: str | None) -> Iterator[bytes]:
    if script.version == "v1":
        position = 0
        if after is not None:
            ids = [entry_id for entry_id, _ in script.entries]
            position = ids.index(after) + 1 if after in ids else 0
        for entry_id, lines in script.entries[position:]:
            for line in lines:
                head = f"id: {entry_id}\n" if entry_id is not None else ""
                yield f"{head}data: {line}\n\n".encode()
        return
    start = int(after.split("-")[0]) + 1 if after is not None and after.split("-")[0].isdigit() else 0
    for seq, body in script.records:
        if seq < start:
            continue
        record: dict[str, Any] = {"seq_num": seq, "timestamp": 1767322800000 + seq}
        if isinstance(body, tuple):  # a command record: (command, argument)
            record["headers"] = [["", body[0]]]
            record["body"] = body[1]
        else:
            record["body"] = body if isinstance(body, str) else json.dumps(body)
        batch = {"records": [record], "tail": {"seq_num": seq + 1, "timestamp": 0}}
        yield b"event: ping\ndata: {}\n\n"
        yield f"event: batch\ndata: {json.dumps(batch)}\n\n".encode()


@contextmanager
def realtime_server() -> Iterator[RealtimeServer]:
    """Serve a fresh `RealtimeServer` until the block ends (its ``base_url`` is set)."""
    state = RealtimeServer()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.state = state  # type: ignore[attr-defined]
    state.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        state.stopping.set()
        with state.changed:
            state.changed.notify_all()
        for worker in state.workers:
            worker.join(timeout=5)
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()


DEMO_SECRET_KEY = "tr_dev_example-key-long-enough-for-hs256"
DEMO_STARTED = datetime.datetime(2026, 1, 2, 3, 4, 6, tzinfo=datetime.timezone.utc)


def summarize_article(server: RealtimeServer, row: dict[str, Any]) -> None:
    """The demo task, once triggered: starts, reports progress, streams, completes."""
    words = ["A ", "short ", "summary."]
    server.streams[(row["friendlyId"], "openai")] = OutputStreamScript(
        "v1", entries=[(f"1767322806{i:03d}-0", [json.dumps({"delta": w})]) for i, w in enumerate(words)]
    )
    for status, progress in (("EXECUTING", 0.5), ("COMPLETED_SUCCESSFULLY", 1.0)):
        if server.stopping.wait(0.05):
            return
        done = status == "COMPLETED_SUCCESSFULLY"
        server.update(
            row["id"],
            status=status,
            startedAt=DEMO_STARTED,
            metadata=json.dumps({"progress": progress}),
            **(
                {"output": json.dumps({"summary": "".join(words)}), "completedAt": DEMO_STARTED}
                if done
                else {}
            ),
        )


def main(argv: list[str]) -> int:
    if "--" not in argv or argv.index("--") == len(argv) - 1:
        print("usage: python tests/support/realtime_server.py -- COMMAND...", file=sys.stderr)
        return 2
    command = argv[argv.index("--") + 1 :]
    with realtime_server() as server:
        server.on_trigger = summarize_article
        environment = {
            **os.environ,
            "TRIGGER_API_URL": server.base_url,
            "TRIGGER_SECRET_KEY": DEMO_SECRET_KEY,
        }
        environment.pop("TRIGGER_ACCESS_TOKEN", None)
        try:
            return subprocess.run(command, env=environment, check=False).returncode
        except KeyboardInterrupt:
            return 130


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent))  # for tests.support
    sys.exit(main(sys.argv[1:]))

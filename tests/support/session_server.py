"""A local stand-in for a Trigger.dev server's session channels, on 127.0.0.1.

It does what the webapp's ``realtime.v1.sessions.$session.$io*`` routes do at 4.5.12, with
the store in memory:

- ``POST /api/v1/sessions`` starts a session (or returns the one with that ``externalId``,
  ``isCached: true``);
- ``POST .../{io}/append`` claims the ``X-Part-Id`` per session and channel and appends
  only when the claim is won, answering ``{"ok": true, "seq": n}`` (no ``seq`` when the
  claim was lost);
- ``GET .../{io}`` sends the records after ``Last-Event-ID`` as server-sent ``batch`` events,
  then holds the answer until a new record comes or ``Timeout-Seconds`` pass;
- ``GET .../{io}/records`` answers the records after ``afterEventId`` at once.

A demo chat agent answers every ``{"kind": "message"}`` record on ``in`` by writing chunks
to ``out`` (``start``, one ``text-delta`` per word, ``finish``) and then a ``turn-complete``
control record. Tests script faults: ``drop_answers`` appends and then cuts the connection
before answering; ``cut_streams`` cuts a stream in the middle of an event. Every wait is
bounded.

As a command, ``python tests/support/session_server.py -- COMMAND...`` serves it and runs
COMMAND with ``TRIGGER_API_URL`` and ``TRIGGER_SECRET_KEY`` set, exiting with its status.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

SECRET_KEY = "tr_dev_FAKE-session-stand-in-key"
MAX_HOLD_SECONDS = 5.0
"""The longest a stream is held open without a new record (bounded for tests)."""


@dataclass
class Channel:
    records: list[dict[str, Any]] = field(default_factory=list)
    claimed: set[str] = field(default_factory=set)


@dataclass
class State:
    sessions: dict[str, dict[str, Any]] = field(default_factory=dict)
    channels: dict[tuple[str, str], Channel] = field(default_factory=dict)
    changed: threading.Condition = field(default_factory=threading.Condition)
    drop_answers: int = 0
    """Appends still to accept and then answer by cutting the connection."""
    cut_streams: int = 0
    """Stream answers still to cut in the middle of an event."""
    appends: int = 0
    """Append requests received (each attempt)."""
    stream_opens: list[str | None] = field(default_factory=list)
    """The ``Last-Event-ID`` of each stream opened."""
    batch_size: int = 100
    agent: bool = True

    def channel(self, key: str, io: str) -> Channel:
        return self.channels.setdefault((key, io), Channel())

    def key(self, session: str) -> str:
        for row in self.sessions.values():
            if session in (row["id"], row["externalId"]):
                return str(row["externalId"] or row["id"])
        return session

    def append(
        self, key: str, io: str, data: str, part_id: str, headers: list[list[str]] | None = None
    ) -> int:
        with self.changed:
            channel = self.channel(key, io)
            seq = len(channel.records)
            body = json.dumps({"data": data, "id": part_id}) if data is not None else ""
            channel.records.append(
                {"seq_num": seq, "timestamp": int(time.time() * 1000), "headers": headers or [], "body": body}
            )
            self.changed.notify_all()
            return seq

    def preload(self, key: str, io: str, count: int, chunk: dict[str, Any] | None = None) -> None:
        """``count`` data records on a channel at once (for the benchmark)."""
        text = json.dumps(chunk or {"type": "text-delta", "delta": "x"})
        with self.changed:
            channel = self.channel(key, io)
            start = len(channel.records)
            channel.records.extend(
                {
                    "seq_num": start + i,
                    "timestamp": 0,
                    "headers": [],
                    "body": json.dumps({"data": text, "id": f"p{start + i}"}),
                }
                for i in range(count)
            )
            channel.records.append(
                {
                    "seq_num": start + count,
                    "timestamp": 0,
                    "headers": [["trigger-control", "turn-complete"]],
                    "body": "",
                }
            )
            self.changed.notify_all()

    def answer(self, key: str, text: str) -> None:
        """What the demo agent writes to ``out`` for one user message."""
        words = text.split() or [text]
        chunks: list[dict[str, Any]] = [{"type": "start", "messageId": f"asst-{time.time_ns()}"}]
        chunks.append({"type": "text-start", "id": "t1"})
        chunks += [
            {"type": "text-delta", "id": "t1", "delta": ("" if i == 0 else " ") + w}
            for i, w in enumerate(["You", "said:", *words])
        ]
        chunks += [{"type": "text-end", "id": "t1"}, {"type": "finish"}]
        for number, chunk in enumerate(chunks):
            time.sleep(0.002)
            self.append(key, "out", json.dumps(chunk), f"agent-{time.time_ns()}-{number}")
        self.append(key, "out", None, "", [["trigger-control", "turn-complete"]])  # type: ignore[arg-type]


def _handler(state: State) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def _json(self, status: int, body: Any) -> None:
            payload = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def _body(self) -> bytes:
            return self.rfile.read(int(self.headers.get("Content-Length") or 0))

        def _route(self) -> tuple[list[str], dict[str, list[str]]]:
            url = urlsplit(self.path)
            return [unquote(p) for p in url.path.strip("/").split("/")], parse_qs(url.query)

        def _authorized(self) -> bool:
            if self.headers.get("Authorization") != f"Bearer {SECRET_KEY}":
                self._json(401, {"error": "Invalid or Missing API key"})
                return False
            return True

        def do_POST(self) -> None:
            parts, _ = self._route()
            body = self._body()
            if not self._authorized():
                return
            if parts == ["api", "v1", "sessions"]:
                self._start(json.loads(body))
            elif len(parts) == 6 and parts[:3] == ["realtime", "v1", "sessions"] and parts[5] == "append":
                self._append(parts[3], parts[4], body.decode())
            else:
                self._json(404, {"error": "Not found"})

        def _start(self, request: dict[str, Any]) -> None:
            external = request.get("externalId")
            existing = state.sessions.get(external) if external else None
            if existing is not None:
                self._json(200, {**existing, "isCached": True})
                return
            number = len(state.sessions) + 1
            now = "2026-01-02T03:04:05.000Z"
            row: dict[str, Any] = {
                "id": f"session_{number:04d}",
                "externalId": external,
                "type": request.get("type"),
                "taskIdentifier": request.get("taskIdentifier"),
                "tags": [],
                "metadata": None,
                "closedAt": None,
                "closedReason": None,
                "expiresAt": None,
                "createdAt": now,
                "updatedAt": now,
                "runId": f"run_{number:04d}",
                "publicAccessToken": "pat_session",
            }
            state.sessions[str(external or row["id"])] = row
            self._json(201, {**row, "isCached": False})

        def _append(self, session: str, io: str, text: str) -> None:
            state.appends += 1
            key = state.key(session)
            part_id = self.headers.get("X-Part-Id")
            channel = state.channel(key, io)
            won = True
            if part_id:
                with state.changed:
                    won = part_id not in channel.claimed
                    channel.claimed.add(part_id)
            seq = state.append(key, io, text, part_id or f"srv-{time.time_ns()}") if won else None
            if won and io == "in" and state.agent:
                try:
                    record = json.loads(text)
                except ValueError:
                    record = None
                if isinstance(record, dict) and record.get("kind") == "message":
                    message = (record.get("payload") or {}).get("message") or {}
                    said = " ".join(
                        p.get("text", "") for p in message.get("parts", []) if p.get("type") == "text"
                    )
                    threading.Thread(target=state.answer, args=(key, said), daemon=True).start()
            if state.drop_answers > 0:
                state.drop_answers -= 1
                self.close_connection = True
                self.connection.shutdown(2)  # the append happened; its answer is lost
                return
            self._json(200, {"ok": True, **({"seq": seq} if seq is not None else {})})

        def do_GET(self) -> None:
            parts, query = self._route()
            if not self._authorized():
                return
            if len(parts) == 6 and parts[:3] == ["realtime", "v1", "sessions"] and parts[5] == "records":
                after = int(query["afterEventId"][0]) if "afterEventId" in query else -1
                channel = state.channel(state.key(parts[3]), parts[4])
                records = [
                    {
                        "data": json.loads(r["body"])["data"] if r["body"] else "",
                        "id": json.loads(r["body"])["id"] if r["body"] else "",
                        "seqNum": r["seq_num"],
                        **({"headers": r["headers"]} if r["headers"] else {}),
                    }
                    for r in channel.records[after + 1 :]
                ]
                self._json(200, {"records": records})
            elif len(parts) == 5 and parts[:3] == ["realtime", "v1", "sessions"]:
                self._stream(state.key(parts[3]), parts[4])
            else:
                self._json(404, {"error": "Not found"})

        def _write(self, data: bytes) -> None:
            self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
            self.wfile.flush()

        def _stream(self, key: str, io: str) -> None:
            last = self.headers.get("Last-Event-ID")
            state.stream_opens.append(last)
            hold = min(float(self.headers.get("Timeout-Seconds") or MAX_HOLD_SECONDS), MAX_HOLD_SECONDS)
            position = int(last) + 1 if last is not None else 0
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("X-Stream-Version", "v2")
            self.send_header("Transfer-Encoding", "chunked")  # as the server streams: a cut is an error
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            channel = state.channel(key, io)
            deadline = time.monotonic() + hold
            cut = state.cut_streams > 0
            sent_batches = 0
            while True:
                with state.changed:
                    while len(channel.records) <= position:
                        left = deadline - time.monotonic()
                        if left <= 0:
                            with contextlib.suppress(OSError):
                                self._write(b"")  # the last chunk: the answer ends cleanly
                            return
                        state.changed.wait(left)
                    batch = channel.records[position : position + state.batch_size]
                event = f"event: batch\ndata: {json.dumps({'records': batch})}\nid: {batch[-1]['seq_num']}\n\n".encode()
                if cut and sent_batches >= 1:
                    state.cut_streams -= 1
                    # Half an event (of a chunk announced whole), then the connection drops.
                    self.wfile.write(f"{len(event):x}\r\n".encode() + event[: len(event) // 2])
                    self.wfile.flush()
                    self.connection.shutdown(2)
                    return
                try:
                    self._write(event)
                except OSError:
                    return  # the client went away
                sent_batches += 1
                position += len(batch)
                deadline = time.monotonic() + hold

    return Handler


@contextmanager
def serving(state: State | None = None) -> Iterator[tuple[str, State]]:
    """Serve the stand-in until the block ends; yields its base URL and its state."""
    state = state or State()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", state
    finally:
        with state.changed:
            state.changed.notify_all()
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()


def main(argv: list[str]) -> int:
    if "--" not in argv:
        print("usage: session_server.py -- COMMAND...", file=sys.stderr)
        return 2
    command = argv[argv.index("--") + 1 :]
    with serving() as (url, _):
        env = {**os.environ, "TRIGGER_API_URL": url, "TRIGGER_SECRET_KEY": SECRET_KEY}
        return subprocess.run(command, env=env, timeout=120, check=False).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

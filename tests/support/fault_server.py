"""A TCP server on 127.0.0.1 that misbehaves on purpose, one scripted behaviour per connection.

Each accepted connection reads one HTTP request, records it, then runs the next behaviour of
the script (the last one repeats). Everything is bounded: the accept loop polls a stop flag,
sockets time out, and `stop()` joins the threads with a deadline.
"""

from __future__ import annotations

import json
import socket
import struct
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

Behaviour = Callable[[socket.socket, threading.Event], None]
"""What to do with a connection once its request is read; waits end early when the server stops."""
IO_TIMEOUT = 5.0


@dataclass
class Recorded:
    request_line: str
    headers: dict[str, str]
    body: bytes


def http_response(status: int, body: bytes | str = b"", headers: dict[str, str] | None = None) -> bytes:
    payload = body.encode() if isinstance(body, str) else body
    head = {"Content-Type": "application/json", "Content-Length": str(len(payload)), **(headers or {})}
    lines = [f"HTTP/1.1 {status} X"] + [f"{k}: {v}" for k, v in head.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + payload


def respond(
    status: int, body: object, headers: dict[str, str] | None = None, *, close: bool = True
) -> Behaviour:
    text = body if isinstance(body, str) else json.dumps(body)

    def behaviour(conn: socket.socket, stop: threading.Event) -> None:
        conn.sendall(
            http_response(status, text, {"Connection": "close" if close else "keep-alive", **(headers or {})})
        )

    return behaviour


def close_without_answer(conn: socket.socket, stop: threading.Event) -> None:
    """The server took the request and hung up: the client sees the connection closed."""


def reset(conn: socket.socket, stop: threading.Event) -> None:
    """Abort the connection with a TCP reset (SO_LINGER 0) after reading the request."""
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


def truncated_body(conn: socket.socket, stop: threading.Event) -> None:
    """Promise 100 bytes of body, send 10, and hang up."""
    conn.sendall(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n" + b'{"id": "ru'
    )


def stall(seconds: float) -> Behaviour:
    """Answer nothing for ``seconds`` (slow headers)."""

    def behaviour(conn: socket.socket, stop: threading.Event) -> None:
        stop.wait(seconds)

    return behaviour


def slow_body(seconds: float) -> Behaviour:
    """Send the headers at once, then pause ``seconds`` before the body."""

    def behaviour(conn: socket.socket, stop: threading.Event) -> None:
        body = b'{"id": "run_1"}'
        conn.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body)
        )
        if not stop.wait(seconds):
            conn.sendall(body)

    return behaviour


@dataclass
class FaultServer:
    script: list[Behaviour]
    requests: list[Recorded] = field(default_factory=list)
    connections: int = 0

    def __post_init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.05)
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()
        self._acceptor = threading.Thread(target=self._accept_loop, daemon=True)
        self._acceptor.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._listener.getsockname()[1]}"

    def _accept_loop(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except (TimeoutError, OSError):
                continue
            with self._lock:
                behaviour = self.script[min(self.connections, len(self.script) - 1)]
                self.connections += 1
            thread = threading.Thread(target=self._serve, args=(conn, behaviour), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _serve(self, conn: socket.socket, behaviour: Behaviour) -> None:
        with conn:
            conn.settimeout(IO_TIMEOUT)
            try:
                request = read_request(conn)
                if request is None:
                    return
                with self._lock:
                    self.requests.append(request)
                behaviour(conn, self._stop)
            except OSError:
                pass

    def stop(self) -> None:
        self._stop.set()
        self._acceptor.join(timeout=2)
        for thread in self._threads:
            thread.join(timeout=IO_TIMEOUT + 1)
        self._listener.close()


def read_request(conn: socket.socket) -> Recorded | None:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        data += chunk
        if len(data) > 1 << 20:
            raise OSError("request head too large")
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    length = int(headers.get("content-length", "0"))
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            break
        body += chunk
    return Recorded(lines[0], headers, body)


@contextmanager
def fault_server(*script: Behaviour) -> Iterator[FaultServer]:
    server = FaultServer(list(script))
    try:
        yield server
    finally:
        server.stop()

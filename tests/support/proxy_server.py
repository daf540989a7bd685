"""A forward proxy on 127.0.0.1 that records what reaches it: plain HTTP requests in absolute
form (``GET http://host/path``), forwarded and answered, and ``CONNECT host:port`` tunnels for
HTTPS, relayed byte for byte. Everything is bounded by socket timeouts and a stop flag."""

from __future__ import annotations

import http.client
import select
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

IO_TIMEOUT = 5.0


@dataclass
class ProxyLog:
    lines: list[str] = field(default_factory=list)
    proxy_authorization: list[str | None] = field(default_factory=list)
    forwarded_authorization: list[str | None] = field(default_factory=list)


def _handler(log: ProxyLog, stop: threading.Event) -> type[BaseHTTPRequestHandler]:
    class Proxy(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        timeout = IO_TIMEOUT

        def log_message(self, *args: object) -> None:
            pass

        def _forward(self) -> None:
            log.lines.append(self.requestline)
            log.proxy_authorization.append(self.headers.get("Proxy-Authorization"))
            log.forwarded_authorization.append(self.headers.get("Authorization"))
            target = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            headers = {
                k: v
                for k, v in self.headers.items()
                if k.lower() not in ("proxy-authorization", "proxy-connection")
            }
            upstream = http.client.HTTPConnection(
                target.hostname or "", target.port or 80, timeout=IO_TIMEOUT
            )
            try:
                upstream.request(
                    self.command, target.path + (f"?{target.query}" if target.query else ""), body, headers
                )
                answer = upstream.getresponse()
                data = answer.read()
            finally:
                upstream.close()
            self.send_response(answer.status)
            for name, value in answer.getheaders():
                if name.lower() not in ("transfer-encoding", "connection", "content-length"):
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_DELETE = _forward

        def do_CONNECT(self) -> None:
            log.lines.append(self.requestline)
            log.proxy_authorization.append(self.headers.get("Proxy-Authorization"))
            log.forwarded_authorization.append(self.headers.get("Authorization"))
            host, _, port = self.path.rpartition(":")
            upstream = socket.create_connection((host, int(port)), timeout=IO_TIMEOUT)
            self.send_response(200, "Connection established")
            self.end_headers()
            client = self.connection
            try:
                while not stop.is_set():
                    ready, _, _ = select.select([client, upstream], [], [], 0.2)
                    for source in ready:
                        data = source.recv(65536)
                        if not data:
                            return
                        (upstream if source is client else client).sendall(data)
            finally:
                upstream.close()
                self.close_connection = True

    return Proxy


@contextmanager
def running_proxy() -> Iterator[tuple[str, ProxyLog]]:
    """Serve a recording proxy until the block ends; yields its URL and its log."""
    log = ProxyLog()
    stop = threading.Event()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(log, stop))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", log
    finally:
        stop.set()
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()

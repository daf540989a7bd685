"""A threaded HTTP(S) server on 127.0.0.1 for tests that need more than pytest-httpserver:
many concurrent keep-alive connections, TLS, or no request log kept in memory."""

from __future__ import annotations

import json
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class JsonHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out as separate writes

    def send_json(self, body: str | bytes, status: int = 200) -> None:
        payload = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def send_document(self, status: int, document: Any) -> None:
        """``document`` as the JSON body of a ``status`` answer."""
        self.send_json(json.dumps(document), status)

    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def serving(
    handler: type[BaseHTTPRequestHandler], *, tls: ssl.SSLContext | None = None, state: Any = None
) -> Iterator[str]:
    """Serve ``handler`` until the block ends; yields the base URL. ``state`` is given to the
    handlers as ``self.server.state``."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    server.state = state  # type: ignore[attr-defined]
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    # A short poll interval: shutdown() waits for the serving loop's next poll.
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield f"{'https' if tls else 'http'}://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()


class ReplayHandler(JsonHandler):
    """Answers every POST as a replay of ``run_1`` would be answered: ``{"id": "run_2"}``."""

    def do_POST(self) -> None:
        self.send_json(json.dumps({"id": "run_2"}))


def tls_context_for(ca: Any) -> ssl.SSLContext:
    """A server context whose certificate for 127.0.0.1 only ``ca`` (a trustme.CA) vouches for."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    return context

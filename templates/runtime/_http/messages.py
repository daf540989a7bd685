# Runtime source of trigger_dev: codegen.py copies it into generated/trigger_dev/ unchanged.
"""What the client core hands a transport and gets back: one request ready to send, one
response as it arrived. Both render without credentials (error reporters record them)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, NamedTuple

from .._version import __version__
from .._wire.credentials import SecretHeaders
from .options import ResolvedOptions

if TYPE_CHECKING:
    from .._tracing.spans import CallSpan
    from .._wire.operation import Route

__all__ = ["USER_AGENT", "Outgoing", "Received", "url_for_messages"]

USER_AGENT = f"trigger-dev-python/{__version__}"


class Outgoing(NamedTuple):
    """One HTTP request, ready to send: every attempt sends exactly this."""

    name: str
    method: str
    url: str
    headers: SecretHeaders
    body: bytes | None
    options: ResolvedOptions
    route: Route | None = None  # the API route; None for object storage
    # Resent only when it cannot have reached the server (`Route.at_most_once`).
    at_most_once: bool = False
    # The OpenTelemetry span of this request, when the caller's context has one to continue.
    trace: CallSpan | None = None

    def __repr__(self) -> str:
        # No credential, no presigned URL's signature, no payload: this object sits in the
        # frames an error reporter records.
        size = "no body" if self.body is None else f"{len(self.body)} bytes"
        return (
            f"Outgoing({self.name!r}, {self.method} {url_for_messages(self.url)}, {self.headers!r}, {size})"
        )


class Received(NamedTuple):
    """A response as both transports hand it over: status, headers (case-insensitive) and body."""

    status: int
    headers: Mapping[str, str]
    content: bytes

    def __repr__(self) -> str:
        # Response headers can carry a public access token (x-trigger-jwt): names only.
        return f"Received(status={self.status}, headers=[{', '.join(self.headers)}], content={len(self.content)} bytes)"


def url_for_messages(url: str) -> str:
    """A presigned URL without its query: the signature never reaches a message or a log."""
    return url.split("?", 1)[0].split("#", 1)[0]

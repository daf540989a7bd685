# Copied by codegen.py from templates/runtime/_http/steps.py (sha256 d2c0720cf5fb7f09); edit that file, not this one.
"""What a protocol core written once asks a client to do, so that the sync and the async
client both carry it out: a core is a generator that yields these steps and gets each
step's result (or the error it raised) sent back in. `SyncAPIClient.run` and
`AsyncAPIClient.run` are the two drivers; the cores never touch I/O themselves.
"""

from __future__ import annotations

from collections.abc import Generator, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from .messages import Outgoing

if TYPE_CHECKING:
    from .._wire.operation import Operation
    from .options import RequestOptions

__all__ = ["Pause", "Request", "Send", "Step", "Steps"]

T = TypeVar("T")


class Pause(NamedTuple):
    """Wait this many seconds (sent back: None)."""

    seconds: float


class Request(NamedTuple):
    """Make one SDK call, retried as configured (sent back: its `RawResponse`)."""

    operation: Operation[Any]
    args: Mapping[str, Any]
    request_options: RequestOptions | None


class Send(NamedTuple):
    """Send one prepared request, retried as configured (sent back: the `Received`); used
    for the object store, whose presigned URLs are not operations."""

    outgoing: Outgoing


Step = Pause | Request | Send
Steps = Generator[Step, Any, T]

# Runtime source of trigger_dev: codegen.py copies it into generated/trigger_dev/ unchanged.
"""`sessions.open`: a session's ``in`` and ``out`` channels.

Sending is safe to retry: each `SessionChannel.send` makes one ``X-Part-Id`` and every
attempt of that send carries it; the server claims a part id once per session and channel,
so an attempt whose answer was lost and that is sent again appends nothing the second time.
Reading follows the channel as server-sent events and, when the connection drops, opens it
again with ``Last-Event-ID`` set to the last ``seq_num`` read, so no part is lost or read
twice. The decoding is `records` (no I/O) and the reading is `runs.stream`'s, on the
session's route. The requests are written once, as steps (`_http.steps`) that either client
carries out; the sync and async classes keep only their signatures.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from functools import cached_property
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar

from .._exceptions import InvalidArgumentError
from .._http.options import RequestOptions
from .._http.steps import Request, Steps
from .._realtime.output_streams import AsyncOutputStream, OutputStream, _Stream, check_timing
from .records import RecordDecoder, SessionPart, check_after, encode_record, new_part_id

if TYPE_CHECKING:  # the clients are named as strings in the generic bases below
    from .._async_base_client import AsyncAPIClient  # noqa: F401
    from .._base_client import BaseAPIClient, SyncAPIClient  # noqa: F401
    from .._wire.operation import Operation

__all__ = [
    "AsyncSessionChannel",
    "AsyncSessionHandle",
    "AsyncSessionStream",
    "SessionChannel",
    "SessionHandle",
    "SessionStream",
]

Io = Literal["in", "out"]
ClientT = TypeVar("ClientT", bound="BaseAPIClient")


def _with_headers(request_options: RequestOptions | None, headers: dict[str, str]) -> RequestOptions:
    given: dict[str, Any] = dict(request_options or {})
    merged: dict[str, str] = dict(given.get("extra_headers") or given.get("additional_headers") or {})
    merged.update(headers)
    given.pop("additional_headers", None)
    given["extra_headers"] = merged
    return given  # type: ignore[return-value]


def check_session(method: str, session_id: str) -> None:
    if not isinstance(session_id, str) or not session_id.strip():
        raise InvalidArgumentError(
            f"{method}() session_id must be a session's id ('session_...') or the external id it "
            f"was started with, got {session_id!r}"
        )


class _Reading(_Stream[ClientT]):
    """What a channel's reader adds to an output stream's: the session's route and position,
    and the turn-complete record that may end it."""

    _OPERATION = "SESSIONS_READ_STREAM"
    _decoder: Any

    def __init__(
        self, client: ClientT, session_id: str, io: Io, *, until_turn_complete: bool, **kwargs: Any
    ) -> None:
        super().__init__(client, session_id, io, **kwargs)
        self._call = f"sessions.open({session_id!r}).{'input' if io == 'in' else 'output'}.subscribe"
        self._name = f"{self._call}()"
        self._args = {"session_id": session_id, "io": io}
        self._decoder = RecordDecoder(kwargs["last_event_id"])
        self._until_turn_complete = until_turn_complete

    def _ends(self, item: Any) -> bool:
        return self._until_turn_complete and bool(item.is_turn_complete)


class SessionStream(_Reading["SyncAPIClient"], OutputStream):
    """The parts of a session channel as they arrive: ``for part in stream``, each a
    `SessionPart`. A context manager; `close` drops the connection."""

    def __iter__(self) -> Iterator[SessionPart]:
        return self

    def __next__(self) -> SessionPart:
        part: SessionPart = super().__next__()
        return part


class AsyncSessionStream(_Reading["AsyncAPIClient"], AsyncOutputStream):
    """`SessionStream` for `AsyncTriggerClient`: ``async for part in stream``."""

    def __aiter__(self) -> AsyncIterator[SessionPart]:
        return self

    async def __anext__(self) -> SessionPart:
        part: SessionPart = await super().__anext__()
        return part


StreamT = TypeVar("StreamT", bound="_Reading[Any]")


class _Channel(Generic[ClientT, StreamT]):
    """A channel, written once for the sync and the async client: the checks made before
    anything is sent, the requests (as steps the client carries out), and the reader."""

    _session_stream: type[StreamT]

    def __init__(self, client: ClientT, session_id: str, io: Io) -> None:
        self._client = client
        self.session_id = session_id
        self.io: Io = io
        self._label = f"sessions.open({session_id!r}).{'input' if io == 'in' else 'output'}"

    @cached_property
    def _append(self) -> Operation[Any]:
        """The append route under this channel's ``send`` (named once: a send is per record)."""
        from .. import _operations as operations

        return operations.SESSIONS_APPEND_STREAM.called_as(f"{self._label}.send")

    def _sending(
        self, data: Any, part_id: str | None, request_options: RequestOptions | None
    ) -> Steps[int | None]:
        append = self._append
        text = encode_record(append.name, data)
        options = _with_headers(request_options, {"X-Part-Id": new_part_id(part_id, append.name)})
        args = {"session_id": self.session_id, "io": self.io, "body": text}
        answer = (yield Request(append, args, options)).parse()
        seq: int | None = answer.seq
        return seq

    def _reading(
        self, after: int | str | None, request_options: RequestOptions | None
    ) -> Steps[list[SessionPart]]:
        from .. import _operations as operations

        method = f"{self._label}.read"
        position = check_after(method, after)
        raw = yield Request(
            operations.SESSIONS_READ_STREAM_RECORDS.called_as(method),
            {"session_id": self.session_id, "io": self.io, "after": position},
            request_options,
        )
        return RecordDecoder(position).records(raw.json())

    def subscribe(
        self,
        *,
        last_event_id: int | str | None = None,
        timeout_seconds: int | None = None,
        reconnect_timeout: float | None = None,
        until_turn_complete: bool = False,
        request_options: RequestOptions | None = None,
    ) -> StreamT:
        """Follow the channel: each part as it arrives, as a `SessionPart`.

        Starts after ``last_event_id`` (a part's ``seq_num``, or a previous stream's
        `last_event_id`) or at the channel's start. A dropped connection, a timeout, 429 or
        5xx reopens it after the last part read, so nothing is lost or read twice
        (``reconnect_timeout`` seconds of failing raises the last error). The iteration ends
        when the server ends the answer (``timeout_seconds``, 1 to 600, without new records)
        or, with ``until_turn_complete``, after the ``turn-complete`` control record.
        """
        from .. import _operations as operations

        method = f"{self._label}.subscribe"
        position = check_after(method, last_event_id)
        check_timing(method, timeout_seconds, reconnect_timeout)
        self._client.check(
            operations.SESSIONS_READ_STREAM.called_as(method),
            {"session_id": self.session_id, "io": self.io},
            request_options,
        )
        return self._session_stream(
            self._client,
            self.session_id,
            self.io,
            last_event_id=position,
            timeout_seconds=timeout_seconds,
            reconnect_timeout=reconnect_timeout,
            until_turn_complete=until_turn_complete,
            request_options=request_options,
        )

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self._label}>"


class SessionChannel(_Channel["SyncAPIClient", SessionStream]):
    """One channel of a session (``in`` or ``out``): send records to it, read them back."""

    _session_stream = SessionStream

    def send(
        self, data: Any, *, part_id: str | None = None, request_options: RequestOptions | None = None
    ) -> int | None:
        """Append ``data`` (any JSON value) as one record; returns its ``seq_num`` (None when
        the server had the part id already and appended nothing).

        The record's ``X-Part-Id`` is ``part_id`` or a new random id, the same on every retry
        of this call, so a retry after a lost answer is not delivered twice; pass your own
        ``part_id`` to make a send you repeat yourself (after a crash) idempotent too. Data
        over 1 MiB as JSON is refused before sending. The ``out`` channel takes only the
        secret key.
        """
        return self._client.run(self._sending(data, part_id, request_options))

    def append(
        self, data: Any, *, part_id: str | None = None, request_options: RequestOptions | None = None
    ) -> int | None:
        """`send` under the name a writer of the ``out`` channel (a backend answering for an
        agent, with the secret key) would look for."""
        return self.send(data, part_id=part_id, request_options=request_options)

    def read(
        self, *, after: int | str | None = None, request_options: RequestOptions | None = None
    ) -> list[SessionPart]:
        """The parts in the channel now, after position ``after`` or from its start, without
        waiting for more (servers from 4.5.0)."""
        return self._client.run(self._reading(after, request_options))


class AsyncSessionChannel(_Channel["AsyncAPIClient", AsyncSessionStream]):
    """`SessionChannel` for `AsyncTriggerClient`: ``async for part in channel.subscribe()``."""

    _session_stream = AsyncSessionStream

    async def send(
        self, data: Any, *, part_id: str | None = None, request_options: RequestOptions | None = None
    ) -> int | None:
        """See `SessionChannel.send`."""
        return await self._client.run(self._sending(data, part_id, request_options))

    async def append(
        self, data: Any, *, part_id: str | None = None, request_options: RequestOptions | None = None
    ) -> int | None:
        """See `SessionChannel.append`."""
        return await self.send(data, part_id=part_id, request_options=request_options)

    async def read(
        self, *, after: int | str | None = None, request_options: RequestOptions | None = None
    ) -> list[SessionPart]:
        """See `SessionChannel.read`."""
        return await self._client.run(self._reading(after, request_options))


ChannelT = TypeVar("ChannelT", bound="_Channel[Any, Any]")


class _Handle(Generic[ClientT, ChannelT]):
    """An open session, written once for the sync and the async client."""

    _channel: type[ChannelT]

    def __init__(self, client: ClientT, session_id: str) -> None:
        self.id = session_id
        self.input: ChannelT = self._channel(client, session_id, "in")
        self.output: ChannelT = self._channel(client, session_id, "out")

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.id!r}>"


class SessionHandle(_Handle["SyncAPIClient", SessionChannel]):
    """An open session: `input` (the ``in`` channel, to the agent) and `output` (the
    ``out`` channel, from it). Opening sends nothing."""

    _channel = SessionChannel


class AsyncSessionHandle(_Handle["AsyncAPIClient", AsyncSessionChannel]):
    """`SessionHandle` for `AsyncTriggerClient`."""

    _channel = AsyncSessionChannel

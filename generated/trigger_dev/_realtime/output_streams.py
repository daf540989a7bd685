# Copied by codegen.py from templates/runtime/_realtime/output_streams.py (sha256 3a2a48a2d6ba1d5c); edit that file, not this one.
"""`runs.stream`: a task's realtime output stream, read as server-sent events.

The server speaks one of two formats, named by the ``X-Stream-Version`` answer header:
v1 sends each chunk as one event whose ``id`` is its position; v2 sends ``batch`` events
of records, each record's body ``{"data": <chunk>, "id": <part id>}`` and its position its
``seq_num``. Either way a dropped connection is reopened with ``Last-Event-ID`` set to the
last position read, so nothing is read twice or skipped; v2 part ids repeated by a writer
that retried are dropped. The stream ends when the server ends the answer (after a quiet
period: ``timeout_seconds``). That protocol is written once, without I/O, in `_Stream`;
`OutputStream` and `AsyncOutputStream` only move the bytes and sleep.
"""

from __future__ import annotations

import random
import time
from collections import OrderedDict
from collections.abc import AsyncGenerator, AsyncIterator, Generator, Iterator, Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from .. import _json
from .._constants import (
    STREAM_DEDUPE_WINDOW,
    STREAM_RETRY_FACTOR,
    STREAM_RETRY_INITIAL,
    STREAM_RETRY_MAX,
)
from .._exceptions import ApiError, InvalidArgumentError
from .._http.options import RequestOptions
from .._logging import logger
from .._wire.validation import check_seconds
from .closing import AsyncClosing, Closing
from .sse import Event, EventParser

if TYPE_CHECKING:
    from .._async_base_client import AsyncAPIClient
    from .._base_client import BaseAPIClient, SyncAPIClient
    from .._http.async_transport import AsyncOpenResponse
    from .._http.transport import OpenResponse
    from .._wire.operation import Operation

__all__ = ["AsyncOutputStream", "AsyncOutputStreams", "OutputStream", "OutputStreams"]

# Statuses a reconnect cannot change (the official client's list).
_FINAL_STATUSES = frozenset({400, 401, 403, 404, 409, 410, 422})
_MAX_TIMEOUT_SECONDS = 600


def check_timing(method: str, timeout_seconds: int | None, reconnect_timeout: float | None) -> None:
    """Refuse a stream's ``timeout_seconds`` and ``reconnect_timeout`` before anything is sent."""
    if timeout_seconds is not None and (
        isinstance(timeout_seconds, bool)
        or not isinstance(timeout_seconds, int)
        or not 1 <= timeout_seconds <= _MAX_TIMEOUT_SECONDS
    ):
        raise InvalidArgumentError(
            f"{method}() timeout_seconds must be a whole number from 1 to {_MAX_TIMEOUT_SECONDS} "
            f"(the server refuses more), got {timeout_seconds!r}"
        )
    check_seconds(reconnect_timeout, f"{method}() reconnect_timeout", optional=True)


def batch_records(event: Event, reader: str) -> Sequence[Any]:
    """The records of a v2 ``batch`` event: none for other events (S2's pings and the like),
    nor for a batch that is not JSON (logged and skipped)."""
    if event.event != "batch":
        return ()
    try:
        batch = _json.loads(event.data)
    except ValueError:
        logger.warning("%s: a batch event that is not JSON was skipped", reader)
        return ()
    records: Sequence[Any] = batch.get("records", ()) if isinstance(batch, dict) else ()
    return records


class SeenParts:
    """The part ids read lately (a window of them), to drop a record a writer's retry put
    in the stream a second time."""

    def __init__(self) -> None:
        self._seen: OrderedDict[str, None] = OrderedDict()

    def repeated(self, part_id: str) -> bool:
        """Whether ``part_id`` was read already; remembers it when not."""
        if part_id in self._seen:
            return True
        self._seen[part_id] = None
        if len(self._seen) > STREAM_DEDUPE_WINDOW:
            self._seen.popitem(last=False)
        return False


class _Decoder:
    """Events of one stream to chunks, whichever version it is, tracking the position."""

    def __init__(self, last_event_id: str | None) -> None:
        self.last_event_id = last_event_id
        self.version = "v1"
        self.read_without_position = False  # a v1 chunk without an id: a reconnect would repeat it
        self._seen = SeenParts()

    def start(self, headers: Any) -> EventParser:
        self.version = "v2" if str(headers.get("x-stream-version", "")).lower() == "v2" else "v1"
        parser = EventParser()
        parser.last_id = self.last_event_id
        return parser

    def chunks(self, event: Event) -> list[Any]:
        if self.version == "v1":
            if event.id is not None:
                self.last_event_id = event.id
            else:
                self.read_without_position = True
            return [_json_or_text(event.data)]
        chunks = []
        for record in batch_records(event, "runs.stream"):
            if not isinstance(record, dict):
                continue
            if "seq_num" in record:
                self.last_event_id = str(record["seq_num"])
            headers = record.get("headers") or []
            if headers and isinstance(headers[0], list) and headers[0] and headers[0][0] == "":
                continue  # a command record of the store (trim, fence): not written by the task
            body = record.get("body")
            if not body:
                continue  # a control record
            part = _json_or_text(body)
            if isinstance(part, dict) and "data" in part:
                part_id = part.get("id")
                if isinstance(part_id, str) and self._seen.repeated(part_id):
                    continue
                chunks.append(part["data"])
            else:
                chunks.append(part)
        return chunks


def _json_or_text(data: str) -> Any:
    try:
        return _json.loads(data)
    except ValueError:
        return data


ClientT = TypeVar("ClientT", bound="BaseAPIClient")


class _Stream(Generic[ClientT]):
    """The protocol of reading a stream, with no I/O: what to open, the items of each piece
    of the body, when the stream has ended, and whether (and when) to reopen it after a
    failure. `OutputStream` and `AsyncOutputStream` only move the bytes and sleep."""

    # The operation that opens the stream, by its name in the generated tables (looked up on
    # first use: the tables load every model).
    _OPERATION = "RUNS_READ_STREAM"
    _response: OpenResponse | AsyncOpenResponse | None
    _parser: EventParser

    def __init__(
        self,
        client: ClientT,
        run_id: str,
        key: str,
        *,
        last_event_id: str | None,
        timeout_seconds: int | None,
        reconnect_timeout: float | None,
        request_options: RequestOptions | None,
    ) -> None:
        self._client = client
        self._call = "runs.stream"  # what errors and log lines name
        self._name = f"runs.stream({run_id}, {key!r})"
        self._args = {"run_id": run_id, "key": key}
        self._timeout_seconds = timeout_seconds
        self._reconnect_timeout = reconnect_timeout
        self._request_options = request_options
        self._decoder = _Decoder(last_event_id)
        self._ending = False  # the last item to read was read
        self._failures = 0
        self._failing_since: float | None = None
        self._closed = False
        self._response = None
        self._chunks = self._read()

    def _read(self) -> Any:
        """The items, read by the sync or the async client."""
        raise NotImplementedError

    @property
    def last_event_id(self) -> str | None:
        """The position of the last chunk read: pass it as ``last_event_id`` to a new
        `runs.stream` to go on from there."""
        return self._decoder.last_event_id

    @property
    def version(self) -> str:
        """The stream format the server used (``v1`` or ``v2``)."""
        return self._decoder.version

    def _opening(self) -> tuple[Operation[Any], dict[str, Any], RequestOptions]:
        """The request that opens (or reopens) the stream after the last position read."""
        from .. import _operations as operations

        given = self._request_options or {}
        headers = dict(given.get("extra_headers") or given.get("additional_headers") or {})
        if self._decoder.last_event_id is not None:
            headers["Last-Event-ID"] = self._decoder.last_event_id
        if self._timeout_seconds is not None:
            headers["Timeout-Seconds"] = str(self._timeout_seconds)
        options: dict[str, Any] = dict(given)
        options.pop("additional_headers", None)
        options["extra_headers"] = headers
        options["retry"] = {**dict(options.get("retry") or {}), "max_attempts": 1}
        operation = getattr(operations, self._OPERATION).called_as(self._call)
        return operation, self._args, options  # type: ignore[return-value]

    def _opened(self, headers: Any) -> None:
        """The stream is open: its failures are over, and its body is read from the start."""
        self._failures = 0
        self._failing_since = None
        self._parser = self._decoder.start(headers)

    def _items(self, piece: bytes) -> Iterator[Any]:
        """The items in one piece of the body, decoded as they are asked for (so the position
        is that of the last item handed on), up to the one that ends the stream."""
        ends, chunks = self._ends, self._decoder.chunks  # looked up once a piece: this runs per item
        for event in self._parser.feed(piece):
            for item in chunks(event):
                yield item
                if ends(item):
                    self._ending = True
                    return

    def _ends(self, item: Any) -> bool:
        """Whether ``item`` is the last one to read (a stream that ends before the server ends
        it, as a session turn does)."""
        return False

    def _end(self) -> None:
        """The server ended the body, or the last item to read was read."""
        self._parser.finish()
        self._closed = True

    def _reopen_after(self, error: ApiError) -> float:
        """Drop the failed connection; seconds to wait before reopening the stream, or the
        error raised when reopening cannot help."""
        self._drop()
        if error.status in _FINAL_STATUSES or (error.status is not None and 300 <= error.status < 400):
            raise error
        if self._decoder.read_without_position:
            # A server that gives no positions (4.0) would send the stream again from its start.
            raise error
        now = time.monotonic()
        if self._failing_since is None:
            self._failing_since = now
        elif self._reconnect_timeout is not None and now - self._failing_since >= self._reconnect_timeout:
            raise error
        self._failures += 1
        wait = min(STREAM_RETRY_MAX, STREAM_RETRY_INITIAL * STREAM_RETRY_FACTOR ** (self._failures - 1))
        wait *= random.uniform(0.5, 1.0)
        logger.info(
            "%s: %s (failure %d); reopening after %s in %.2f s",
            self._name,
            error,
            self._failures,
            self._decoder.last_event_id or "the start",
            wait,
        )
        return wait

    def _drop(self) -> None:
        if self._response is not None:
            self._response.close()
            self._response = None

    def _close(self) -> None:
        self._closed = True
        self._drop()

    def __repr__(self) -> str:
        state = "closed" if self._closed else "open"
        return f"<{type(self).__name__} {self._name} {state}, {self.version}, at {self.last_event_id}>"


class OutputStream(_Stream["SyncAPIClient"], Closing):
    """The chunks of a run's output stream as they arrive: ``for chunk in stream``. A
    context manager; `close` drops the connection."""

    _response: OpenResponse | None
    _chunks: Generator[Any, None, None]

    def __iter__(self) -> Iterator[Any]:
        return self

    def __next__(self) -> Any:
        return next(self._chunks)

    def _read(self) -> Generator[Any, None, None]:
        while not self._closed:
            try:
                self._response = self._client.open_stream(*self._opening())
                self._opened(self._response.headers)
                for piece in self._response.chunks():
                    yield from self._items(piece)
                    if self._ending:
                        break
                self._end()
            except ApiError as error:
                self._client.pause(self._reopen_after(error))
            finally:
                self._drop()

    def close(self) -> None:
        self._close()
        self._chunks.close()


class AsyncOutputStream(_Stream["AsyncAPIClient"], AsyncClosing):
    """`OutputStream` for `AsyncTriggerClient`: ``async for chunk in stream``."""

    _response: AsyncOpenResponse | None
    _chunks: AsyncGenerator[Any, None]

    def __aiter__(self) -> AsyncIterator[Any]:
        return self

    async def __anext__(self) -> Any:
        return await self._chunks.__anext__()

    async def _read(self) -> AsyncGenerator[Any, None]:
        while not self._closed:
            try:
                self._response = await self._client.open_stream(*self._opening())
                self._opened(self._response.headers)
                async for piece in self._response.chunks():
                    for item in self._items(piece):
                        yield item
                    if self._ending:
                        break
                self._end()
            except ApiError as error:
                await self._client.pause(self._reopen_after(error))
            finally:
                self._drop()

    async def aclose(self) -> None:
        self._close()
        await self._chunks.aclose()


def _check(
    client: BaseAPIClient,
    run_id: str,
    key: str,
    timeout_seconds: int | None,
    reconnect_timeout: float | None,
    request_options: RequestOptions | None,
) -> None:
    """Refuse a stream's arguments before anything is sent."""
    from .. import _operations as operations

    if not isinstance(key, str) or not key:
        raise InvalidArgumentError(
            f"runs.stream() key must be a non-empty string such as 'default', got {key!r}"
        )
    check_timing("runs.stream", timeout_seconds, reconnect_timeout)
    client.check(operations.RUNS_READ_STREAM, {"run_id": run_id, "key": key}, request_options)


StreamT = TypeVar("StreamT", OutputStream, AsyncOutputStream)


class _StreamMethods(Generic[StreamT]):
    """Methods of `runs` written by hand: output streams, written once for both clients
    (opening a stream sends nothing until it is read, so nothing here is awaited)."""

    _client: Any
    _output_stream: type[StreamT]

    def stream(
        self,
        run_id: str,
        key: str = "default",
        *,
        last_event_id: str | None = None,
        timeout_seconds: int | None = None,
        reconnect_timeout: float | None = None,
        request_options: RequestOptions | None = None,
    ) -> StreamT:
        """Read what the run writes to its output stream ``key``, chunk by chunk, as it
        arrives: JSON chunks decoded, others as text.

        The iteration ends when the server closes the stream, which it does once nothing
        new has come for ``timeout_seconds`` (1 to 600; the server's default is 60). A
        dropped connection, a timeout, 429 or 5xx reopens the stream after the last chunk
        read (``reconnect_timeout`` seconds of failing raises the last error; None keeps
        trying). ``last_event_id`` (a previous stream's `last_event_id`) starts after that
        chunk instead of at the beginning. `NotFoundError` for an unknown run.
        """
        _check(self._client, run_id, key, timeout_seconds, reconnect_timeout, request_options)
        return self._output_stream(
            self._client,
            run_id,
            key,
            last_event_id=last_event_id,
            timeout_seconds=timeout_seconds,
            reconnect_timeout=reconnect_timeout,
            request_options=request_options,
        )


class OutputStreams(_StreamMethods[OutputStream]):
    """Output streams of `TriggerClient`: ``for chunk in client.runs.stream(run_id)``."""

    _client: SyncAPIClient
    _output_stream = OutputStream


class AsyncOutputStreams(_StreamMethods[AsyncOutputStream]):
    """Output streams of `AsyncTriggerClient`: ``async for chunk in client.runs.stream(run_id)``."""

    _client: AsyncAPIClient
    _output_stream = AsyncOutputStream

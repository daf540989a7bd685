# Copied by codegen.py from templates/runtime/_realtime/output_streams.py (sha256 c60e8fd6b0a0c867); edit that file, not this one.
"""`runs.stream`: a task's realtime output stream, read as server-sent events.

The server speaks one of two formats, named by the ``X-Stream-Version`` answer header:
v1 sends each chunk as one event whose ``id`` is its position; v2 sends ``batch`` events
of records, each record's body ``{"data": <chunk>, "id": <part id>}`` and its position its
``seq_num``. Either way a dropped connection is reopened with ``Last-Event-ID`` set to the
last position read, so nothing is read twice or skipped; v2 part ids repeated by a writer
that retried are dropped. The stream ends when the server ends the answer (after a quiet
period: ``timeout_seconds``).
"""

from __future__ import annotations

import random
import time
from collections import OrderedDict
from collections.abc import AsyncGenerator, AsyncIterator, Generator, Iterator
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar

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
from .sse import Event, EventParser

if TYPE_CHECKING:
    from .._async_base_client import AsyncAPIClient
    from .._base_client import BaseAPIClient, SyncAPIClient
    from .._http.async_transport import AsyncOpenResponse
    from .._http.transport import OpenResponse

__all__ = ["AsyncOutputStream", "AsyncOutputStreams", "OutputStream", "OutputStreams"]

# Statuses a reconnect cannot change (the official client's list).
_FINAL_STATUSES = frozenset({400, 401, 403, 404, 409, 410, 422})
_MAX_TIMEOUT_SECONDS = 600


class _Decoder:
    """Events of one stream to chunks, whichever version it is, tracking the position."""

    def __init__(self, last_event_id: str | None) -> None:
        self.last_event_id = last_event_id
        self.version = "v1"
        self.read_without_position = False  # a v1 chunk without an id: a reconnect would repeat it
        self._seen: OrderedDict[str, None] = OrderedDict()

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
        if event.event != "batch":
            return []  # S2's pings and the like
        try:
            batch = _json.loads(event.data)
        except ValueError:
            logger.warning("runs.stream: a batch event that is not JSON was skipped")
            return []
        chunks = []
        for record in batch.get("records", ()) if isinstance(batch, dict) else ():
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
                if isinstance(part_id, str):
                    if part_id in self._seen:
                        continue
                    self._seen[part_id] = None
                    if len(self._seen) > STREAM_DEDUPE_WINDOW:
                        self._seen.popitem(last=False)
                chunks.append(part["data"])
            else:
                chunks.append(part)
        return chunks


def _json_or_text(data: str) -> Any:
    try:
        return _json.loads(data)
    except ValueError:
        return data


StreamT = TypeVar("StreamT", bound="OutputStream")
AsyncStreamT = TypeVar("AsyncStreamT", bound="AsyncOutputStream")


class _Stream:
    # The operation that opens the stream, by its name in the generated tables (looked up on
    # first use: the tables load every model).
    _OPERATION = "RUNS_READ_STREAM"

    def __init__(
        self,
        run_id: str,
        key: str,
        *,
        last_event_id: str | None,
        timeout_seconds: int | None,
        reconnect_timeout: float | None,
        request_options: RequestOptions | None,
    ) -> None:
        self._name = f"runs.stream({run_id}, {key!r})"
        self._args = {"run_id": run_id, "key": key}
        self._timeout_seconds = timeout_seconds
        self._reconnect_timeout = reconnect_timeout
        self._request_options = request_options
        self._decoder = _Decoder(last_event_id)
        self._failures = 0
        self._failing_since: float | None = None
        self._closed = False

    @property
    def last_event_id(self) -> str | None:
        """The position of the last chunk read: pass it as ``last_event_id`` to a new
        `runs.stream` to go on from there."""
        return self._decoder.last_event_id

    @property
    def version(self) -> str:
        """The stream format the server used (``v1`` or ``v2``)."""
        return self._decoder.version

    def _options(self) -> RequestOptions:
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
        return options  # type: ignore[return-value]

    def _connected(self) -> None:
        self._failures = 0
        self._failing_since = None

    def _ends(self, item: Any) -> bool:
        """Whether ``item`` is the last one to read (a stream that ends before the server ends
        it, as a session turn does)."""
        return False

    def _wait_after(self, error: ApiError) -> float:
        """Seconds to wait before reopening the stream; raises the error when that cannot help."""
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

    def __repr__(self) -> str:
        state = "closed" if self._closed else "open"
        return f"<{type(self).__name__} {self._name} {state}, {self.version}, at {self.last_event_id}>"


class OutputStream(_Stream):
    """The chunks of a run's output stream as they arrive: ``for chunk in stream``. A
    context manager; `close` drops the connection."""

    def __init__(self, client: SyncAPIClient, run_id: str, key: str, **kwargs: Any) -> None:
        super().__init__(run_id, key, **kwargs)
        self._client = client
        self._response: OpenResponse | None = None
        self._chunks = self._read()

    def __iter__(self) -> Iterator[Any]:
        return self

    def __next__(self) -> Any:
        return next(self._chunks)

    def _read(self) -> Generator[Any, None, None]:
        from .. import _operations as operations

        operation = getattr(operations, self._OPERATION)
        while not self._closed:
            try:
                self._response = self._client.open_stream(operation, self._args, self._options())
                self._connected()
                parser = self._decoder.start(self._response.headers)
                for piece in self._response.chunks():
                    for event in parser.feed(piece):
                        for item in self._decoder.chunks(event):
                            yield item
                            if self._ends(item):
                                self._close()
                                return
                parser.finish()
                self._close()
                return  # the server ended the stream
            except ApiError as error:
                self._drop()
                wait = self._wait_after(error)
                self._client.pause(wait)
            finally:
                self._drop()

    def _drop(self) -> None:
        if self._response is not None:
            self._response.close()
            self._response = None

    def _close(self) -> None:
        self._closed = True
        self._drop()

    def close(self) -> None:
        self._close()
        self._chunks.close()

    def __enter__(self: StreamT) -> StreamT:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()


class AsyncOutputStream(_Stream):
    """`OutputStream` for `AsyncTriggerClient`: ``async for chunk in stream``."""

    def __init__(self, client: AsyncAPIClient, run_id: str, key: str, **kwargs: Any) -> None:
        super().__init__(run_id, key, **kwargs)
        self._client = client
        self._response: AsyncOpenResponse | None = None
        self._chunks = self._read()

    def __aiter__(self) -> AsyncIterator[Any]:
        return self

    async def __anext__(self) -> Any:
        return await self._chunks.__anext__()

    async def _read(self) -> AsyncGenerator[Any, None]:
        from .. import _operations as operations

        operation = getattr(operations, self._OPERATION)
        while not self._closed:
            try:
                self._response = await self._client.open_stream(operation, self._args, self._options())
                self._connected()
                parser = self._decoder.start(self._response.headers)
                async for piece in self._response.chunks():
                    for event in parser.feed(piece):
                        for item in self._decoder.chunks(event):
                            yield item
                            if self._ends(item):
                                self._closed = True
                                return
                parser.finish()
                self._closed = True
                return
            except ApiError as error:
                self._drop()
                wait = self._wait_after(error)
                await self._client.pause(wait)
            finally:
                self._drop()

    def _drop(self) -> None:
        if self._response is not None:
            self._response.close()
            self._response = None

    async def aclose(self) -> None:
        self._closed = True
        self._drop()
        await self._chunks.aclose()

    async def __aenter__(self: AsyncStreamT) -> AsyncStreamT:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        await self.aclose()


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
    if timeout_seconds is not None and (
        isinstance(timeout_seconds, bool)
        or not isinstance(timeout_seconds, int)
        or not 1 <= timeout_seconds <= _MAX_TIMEOUT_SECONDS
    ):
        raise InvalidArgumentError(
            f"runs.stream() timeout_seconds must be a whole number from 1 to {_MAX_TIMEOUT_SECONDS} "
            f"(the server refuses more), got {timeout_seconds!r}"
        )
    if reconnect_timeout is not None and not reconnect_timeout > 0:
        raise InvalidArgumentError(
            "runs.stream() reconnect_timeout must be a positive number of seconds or None"
        )
    client.check(operations.RUNS_READ_STREAM, {"run_id": run_id, "key": key}, request_options)


class OutputStreams:
    """Methods of `runs` written by hand: output streams."""

    _client: SyncAPIClient

    def stream(
        self,
        run_id: str,
        key: str = "default",
        *,
        last_event_id: str | None = None,
        timeout_seconds: int | None = None,
        reconnect_timeout: float | None = None,
        request_options: RequestOptions | None = None,
    ) -> OutputStream:
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
        return OutputStream(
            self._client,
            run_id,
            key,
            last_event_id=last_event_id,
            timeout_seconds=timeout_seconds,
            reconnect_timeout=reconnect_timeout,
            request_options=request_options,
        )


class AsyncOutputStreams:
    """`OutputStreams` for `AsyncTriggerClient`."""

    _client: AsyncAPIClient

    def stream(
        self,
        run_id: str,
        key: str = "default",
        *,
        last_event_id: str | None = None,
        timeout_seconds: int | None = None,
        reconnect_timeout: float | None = None,
        request_options: RequestOptions | None = None,
    ) -> AsyncOutputStream:
        """See `OutputStreams.stream`: ``async for chunk in client.runs.stream(run_id)``."""
        _check(self._client, run_id, key, timeout_seconds, reconnect_timeout, request_options)
        return AsyncOutputStream(
            self._client,
            run_id,
            key,
            last_event_id=last_event_id,
            timeout_seconds=timeout_seconds,
            reconnect_timeout=reconnect_timeout,
            request_options=request_options,
        )

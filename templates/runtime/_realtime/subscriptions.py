# Runtime source of trigger_dev: codegen.py copies it into generated/trigger_dev/ unchanged.
"""Realtime run subscriptions: `runs.subscribe_to_run`, `runs.subscribe_to_runs_with_tag`
and `runs.subscribe_to_batch`, iterators of `RealtimeRun` snapshots over the server's shape
stream (the protocol itself is in `shapes`).

A subscription sends one request at a time: between two snapshots no request is open, so
leaving the loop (``break``, an exception, the end of a ``with`` block) leaves nothing
behind. Failures that a reconnect can cure (no connection, a timeout, 429, 5xx) are retried
with the official client's backoff, resuming from the last position; anything else raises.
"""

from __future__ import annotations

import datetime
import logging
import time
from collections import deque
from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from .. import _operations as operations
from .._constants import (
    LIVE_REQUEST_MIN_TIMEOUT,
    SHAPE_RETRY_FACTOR,
    SHAPE_RETRY_INITIAL,
    SHAPE_RETRY_MAX,
)
from .._exceptions import (
    ApiConnectionError,
    ApiError,
    ApiSchemaValidationError,
    ArgumentTypeError,
    ConflictError,
    InvalidArgumentError,
    SchemaError,
)
from .._http.options import RequestOptions
from .._logging import logger
from .._payloads.packets import decode_packet_text
from .._spec import DATABASE_STATUS_DEFAULT, DATABASE_STATUSES, STATUS_FLAGS
from .._wire.operation import Operation
from .._wire.validation import check_seconds
from ..models import RealtimeRun
from .closing import AsyncClosing, Closing
from .shapes import ProtocolError, ShapeRows, ShapeState, parse_messages

if TYPE_CHECKING:
    from .._async_base_client import AsyncAPIClient
    from .._base_client import BaseAPIClient, SyncAPIClient

__all__ = [
    "AsyncRealtimeSubscriptions",
    "AsyncRunSubscription",
    "RealtimeSubscriptions",
    "RunSubscription",
    "SKIPPABLE_FIELDS",
]

# What `skip_columns` takes: fields of `RealtimeRun`, and the columns of the run's row
# that carry them. The server always sends id, status, taskIdentifier, createdAt and
# updatedAt.
SKIPPABLE_FIELDS: Mapping[str, tuple[str, ...]] = {
    "started_at": ("startedAt",),
    "delayed_until": ("delayUntil",),
    "queued_at": ("queuedAt",),
    "expired_at": ("expiredAt",),
    "finished_at": ("completedAt",),
    "duration_ms": ("usageDurationMs",),
    "cost_in_cents": ("costInCents",),
    "base_cost_in_cents": ("baseCostInCents",),
    "is_test": ("isTest",),
    "payload": ("payload", "payloadType"),
    "output": ("output", "outputType"),
    "metadata": ("metadata", "metadataType"),
    "tags": ("runTags",),
    "error": ("error",),
    "realtime_streams": ("realtimeStreams",),
}

_REQUIRED_COLUMNS = ("id", "friendlyId", "taskIdentifier", "status", "createdAt", "updatedAt")
# These never change again: a subscription to one run ends after the first snapshot in one.
_FINAL_STATUSES = frozenset(
    {"COMPLETED", "CANCELED", "FAILED", "CRASHED", "SYSTEM_FAILURE", "EXPIRED", "TIMED_OUT"}
)
_DATES = (
    ("createdAt", "createdAt"),
    ("updatedAt", "updatedAt"),
    ("startedAt", "startedAt"),
    ("completedAt", "finishedAt"),
    ("delayUntil", "delayedUntil"),
    ("queuedAt", "queuedAt"),
    ("expiredAt", "expiredAt"),
)
_PACKETS = (("payload", "payloadType"), ("output", "outputType"), ("metadata", "metadataType"))
_STORED = "application/store"


# ---------------------------------------------------------------------------------------
# From a row of the run table to a RealtimeRun


class SnapshotBuilder:
    """Turns rows into `RealtimeRun` snapshots, keeping each run's decoded payload, output
    and metadata while their text is unchanged (a payload is decoded once, not per update)."""

    def __init__(self, operation: str) -> None:
        self.operation = operation
        self._decoded: dict[tuple[str, str], tuple[str, Any]] = {}

    def stored(self, key: str, row: Mapping[str, Any]) -> list[tuple[str, str]]:
        """(column, storage path) of the row's values kept in object storage and not yet
        downloaded: the caller downloads them and hands them to `keep`."""
        found = []
        for column, type_column in _PACKETS[:2]:
            data = row.get(column)
            if (
                row.get(type_column) == _STORED
                and data
                and self._decoded.get((key, column), ("",))[0] != data
            ):
                found.append((column, str(data)))
        return found

    def keep(self, key: str, column: str, text: str, value: Any) -> None:
        self._decoded[(key, column)] = (text, value)

    def forget(self) -> None:
        self._decoded.clear()

    def build(self, key: str, row: Mapping[str, Any]) -> RealtimeRun:
        missing = [column for column in _REQUIRED_COLUMNS if row.get(column) is None]
        if missing:
            raise ProtocolError(f"the run's row has no {missing[0]!r}")
        status = DATABASE_STATUSES.get(str(row["status"]), DATABASE_STATUS_DEFAULT)
        wire: dict[str, Any] = {
            "id": row["friendlyId"],
            "taskIdentifier": row["taskIdentifier"],
            "status": status,
        }
        for column, name in _DATES:
            value = row.get(column)
            if value is not None:
                wire[name] = _iso(value)
        wire["durationMs"] = row.get("usageDurationMs") or 0
        wire["costInCents"] = row.get("costInCents") or 0
        wire["baseCostInCents"] = row.get("baseCostInCents") or 0
        wire["tags"] = row.get("runTags") or []
        wire["isTest"] = bool(row.get("isTest"))
        for column, type_column in _PACKETS:
            found, value = self._packet(key, row, column, type_column)
            if found:
                wire[column] = value
        error = row.get("error")
        if isinstance(error, dict):
            wire["error"] = _run_error(error)
        streams = row.get("realtimeStreams") or []
        metadata = wire.get("metadata")
        if (
            isinstance(metadata, dict)
            and isinstance(metadata.get("$$streams"), list)
            and metadata["$$streams"]
        ):
            streams = metadata["$$streams"]  # where runs of older SDKs list their streams
        wire["realtimeStreams"] = streams
        for flag, statuses in STATUS_FLAGS.items():
            wire[flag] = status in statuses
        wire["isCompleted"] = wire["isSuccess"] or wire["isFailed"]
        return RealtimeRun._from_wire(wire)

    def _packet(self, key: str, row: Mapping[str, Any], column: str, type_column: str) -> tuple[bool, Any]:
        data = row.get(column)
        content_type = row.get(type_column)
        if not content_type or data is None or data == "":
            return False, None
        cached = self._decoded.get((key, column))
        if cached is not None and cached[0] == data:
            return True, cached[1]
        if content_type == _STORED:
            return False, None  # not downloaded (the caller had it fetched first)
        try:
            value = decode_packet_text(str(content_type), str(data))
        except ValueError as exc:
            raise ProtocolError(f"the run's {column} is not valid {content_type}: {exc}") from None
        self._decoded[(key, column)] = (data, value)
        return True, value


def _iso(value: Any) -> str:
    """A PostgreSQL timestamp (UTC, no zone: ``2025-01-01 12:00:00.12``) as ISO 8601 UTC."""
    text = str(value)
    if len(text) > 10 and text[10] == " ":
        text = f"{text[:10]}T{text[11:]}"
    if text.endswith(("Z", "z")) or "+" in text[10:] or "-" in text[11:]:
        return text
    return text + "Z"


def _run_error(error: dict[str, Any]) -> dict[str, Any]:
    """The stored error as a `RunError`: name, message and stack as the official SDK reads
    them, and the stored fields (type, code, raw) kept beside them."""
    kind = error.get("type")
    result = dict(error)
    if kind == "BUILT_IN_ERROR":
        result.setdefault("message", "")
    elif kind in ("STRING_ERROR", "CUSTOM_ERROR"):
        result["message"] = str(error.get("raw", ""))
    elif kind == "INTERNAL_ERROR":
        detail = error.get("message")
        result["message"] = f"trigger.dev internal error ({error.get('code')})" + (
            f": {detail}" if detail else ""
        )
    else:
        result.setdefault("message", str(error))
    return result


def is_final(run: RealtimeRun) -> bool:
    """Whether the run will not change any more: it has finished, or its status is final."""
    return run.finished_at is not None or str(run.status) in _FINAL_STATUSES


# ---------------------------------------------------------------------------------------
# Arguments


def skipped_columns(skip: Sequence[str] | None, where: str) -> list[str] | None:
    if skip is None:
        return None
    if isinstance(skip, str):
        skip = [skip]
    columns: list[str] = []
    for name in skip:
        if name not in SKIPPABLE_FIELDS:
            raise InvalidArgumentError(
                f"{where}: skip_columns cannot leave out {name!r}; it takes fields of RealtimeRun: "
                + ", ".join(sorted(SKIPPABLE_FIELDS))
            )
        columns.extend(SKIPPABLE_FIELDS[name])
    return columns


def _created_at(value: str | datetime.timedelta | None) -> str | None:
    if isinstance(value, datetime.timedelta):
        seconds = int(value.total_seconds())
        if seconds < 1:
            raise InvalidArgumentError(
                f"runs.subscribe_to_runs_with_tag() created_at must be at least 1 s, got {value}"
            )
        return f"{seconds}s"
    return value


def _tags(tags: str | Sequence[str]) -> list[str]:
    return [tags] if isinstance(tags, str) else list(tags)


def _options(request_options: RequestOptions | None, where: str) -> RequestOptions:
    """One attempt per request: the subscription reconnects by its own rules."""
    options: dict[str, Any] = dict(request_options or {})
    timeout = options.get("timeout")
    if timeout is None and isinstance(options.get("timeout_in_ms"), (int, float)):
        timeout = options["timeout_in_ms"] / 1000  # the deprecated spelling; merging warns
    if isinstance(timeout, (int, float)) and timeout < LIVE_REQUEST_MIN_TIMEOUT:
        raise InvalidArgumentError(
            f"{where}: request_options timeout must be at least {LIVE_REQUEST_MIN_TIMEOUT:g} seconds "
            f"for a subscription (the server holds each live request for up to 20 s), got {timeout:g}"
        )
    options["retry"] = {**dict(options.get("retry") or {}), "max_attempts": 1}
    return options  # type: ignore[return-value]


def _check_reconnect(reconnect_timeout: float | None, where: str) -> None:
    check_seconds(reconnect_timeout, f"{where}: reconnect_timeout", optional=True)


# ---------------------------------------------------------------------------------------
# The subscription: one request at a time


@dataclass(frozen=True)
class _Plan:
    """What a subscription asks for, checked before anything is sent."""

    operation: Operation[Any]
    args: dict[str, Any]
    request_options: RequestOptions
    name: str  # for messages and logs: "runs.subscribe_to_run(run_1)"
    single_run: bool  # ends after the run's first finished snapshot
    reconnect_timeout: float | None
    not_found_retries: int  # 404s with x-should-retry: true tried again at the start


ClientT = TypeVar("ClientT", bound="BaseAPIClient")


class _Subscription(Generic[ClientT]):
    def __init__(self, client: ClientT, plan: _Plan) -> None:
        self._client = client
        self._plan = plan
        self._name = plan.name
        self._state = ShapeState()
        self._rows = ShapeRows()
        self._builder = SnapshotBuilder(plan.name)
        self._ready: deque[RealtimeRun] = deque()
        self._done = False
        self._failures = 0
        self._failing_since: float | None = None
        self._received_any = False

    def _request_args(self) -> dict[str, Any]:
        return {**self._plan.args, **self._state.query()}

    def _changed_rows(self, headers: Mapping[str, str], content: bytes) -> list[tuple[str, dict[str, Any]]]:
        """Apply a successful answer; the rows to emit, when it reached the head."""
        self._failures = 0
        self._failing_since = None
        self._received_any = True
        try:
            messages = parse_messages(content)
            self._state.read_schema(headers)
            reached_head, must_refetch = self._rows.apply(messages, self._state.parsers)
            if must_refetch:
                self._restart(headers.get("electric-handle"))
                return []
            reached_head = reached_head or "electric-up-to-date" in headers
            self._state.advance(headers, reached_head)
        except ProtocolError as exc:
            raise self._protocol_error(exc, headers) from None
        return self._rows.take_changed() if reached_head else []

    def _downloads(
        self, changed: list[tuple[str, dict[str, Any]]]
    ) -> list[tuple[str, str, str, dict[str, Any]]]:
        """The values of the changed rows kept in object storage and not downloaded yet: (key,
        column, storage path, the rest of `read_stored_packet`'s arguments) for each."""
        downloads: list[tuple[str, str, str, dict[str, Any]]] = []
        for key, row in changed:
            for column, path in self._builder.stored(key, row):
                run_id = str(row.get("friendlyId"))
                arguments: dict[str, Any] = {
                    "data_field": column,
                    "run_id": run_id,
                    "request_options": self._plan.request_options,
                }
                downloads.append((key, column, path, arguments))
        return downloads

    def _snapshots(self, changed: list[tuple[str, dict[str, Any]]]) -> None:
        for key, row in changed:
            try:
                run = self._builder.build(key, row)
            except (ProtocolError, SchemaError) as exc:
                raise self._protocol_error(exc, {}) from None
            self._ready.append(run)
            if self._plan.single_run and is_final(run):
                self._done = True
                return

    def _stop(self) -> None:
        self._done = True
        self._ready.clear()

    def _restart(self, handle: str | None) -> None:
        logger.info("%s: the server asked to start the subscription again (must-refetch)", self._name)
        self._state.restart(handle)
        self._rows.clear()
        self._builder.forget()

    def _wait_after(self, error: ApiError) -> float:
        """Seconds to wait before reconnecting after this failure; raises it when not curable."""
        status = error.status
        if isinstance(error, ConflictError):
            # The shape was rotated: start again with the new handle, at once the first time.
            self._restart(error.headers.get("electric-handle"))
            if self._failures == 0:
                self._failures = 1
                return 0.0
        retryable = (
            isinstance(error, (ApiConnectionError, ConflictError)) or status == 429 or (status or 0) >= 500
        )
        if (
            status == 404
            and not self._received_any
            and error.headers.get("x-should-retry") == "true"
            and self._failures < self._plan.not_found_retries
        ):
            retryable = True  # a batch created a moment ago may not be readable yet
        if not retryable:
            raise error
        now = time.monotonic()
        if self._failing_since is None:
            self._failing_since = now
        elif (
            self._plan.reconnect_timeout is not None
            and now - self._failing_since >= self._plan.reconnect_timeout
        ):
            raise error
        self._failures += 1
        wait = min(SHAPE_RETRY_MAX, SHAPE_RETRY_INITIAL * SHAPE_RETRY_FACTOR ** (self._failures - 1))
        if self._plan.reconnect_timeout is not None:
            wait = min(wait, max(0.0, self._failing_since + self._plan.reconnect_timeout - now))
        level = logging.WARNING if self._failures in (10, 100, 1000) else logging.INFO
        logger.log(
            level, "%s: %s (failure %d); reconnecting in %.1f s", self._name, error, self._failures, wait
        )
        return wait

    def _protocol_error(self, exc: Exception, headers: Mapping[str, str]) -> ApiSchemaValidationError:
        return ApiSchemaValidationError(
            f"{self._name}: the realtime answer cannot be read: {exc}", headers=headers
        )

    def __repr__(self) -> str:
        state = "closed" if self._done else ("live" if self._state.live else "catching up")
        return f"<{type(self).__name__} {self._name} {state}, {len(self._rows.rows)} runs seen>"


class RunSubscription(_Subscription["SyncAPIClient"], Closing):
    """Run snapshots as they change: ``for run in subscription``. Also a context manager;
    `close` stops it (no request is open between two snapshots)."""

    def __iter__(self) -> Iterator[RealtimeRun]:
        return self

    def __next__(self) -> RealtimeRun:
        while not self._ready:
            if self._done:
                raise StopIteration
            self._fetch()
        return self._ready.popleft()

    def _fetch(self) -> None:
        try:
            raw = self._client.request(self._plan.operation, self._request_args(), self._plan.request_options)
        except ApiError as error:
            wait = self._wait_after(error)
            if wait:
                self._client.pause(wait)
            return
        changed = self._changed_rows(raw.headers, raw.content)
        for key, column, path, arguments in self._downloads(changed):
            value = self._client.read_stored_packet(self._name, path, **arguments)
            self._builder.keep(key, column, path, value)
        self._snapshots(changed)

    def close(self) -> None:
        self._stop()


class AsyncRunSubscription(_Subscription["AsyncAPIClient"], AsyncClosing):
    """`RunSubscription` for `AsyncTriggerClient`: ``async for run in subscription``, and
    ``async with``; cancelling the task that awaits it drops the open request."""

    def __aiter__(self) -> AsyncIterator[RealtimeRun]:
        return self

    async def __anext__(self) -> RealtimeRun:
        while not self._ready:
            if self._done:
                raise StopAsyncIteration
            await self._fetch()
        return self._ready.popleft()

    async def _fetch(self) -> None:
        try:
            raw = await self._client.request(
                self._plan.operation, self._request_args(), self._plan.request_options
            )
        except ApiError as error:
            wait = self._wait_after(error)
            if wait:
                await self._client.pause(wait)
            return
        changed = self._changed_rows(raw.headers, raw.content)
        for key, column, path, arguments in self._downloads(changed):
            value = await self._client.read_stored_packet(self._name, path, **arguments)
            self._builder.keep(key, column, path, value)
        self._snapshots(changed)

    async def aclose(self) -> None:
        self._stop()

    def close(self) -> None:
        self._stop()


# ---------------------------------------------------------------------------------------
# The methods of `runs`


def _plan(
    client: BaseAPIClient,
    kind: str,
    target: Any,
    *,
    skip_columns: Sequence[str] | None,
    created_at: str | datetime.timedelta | None = None,
    reconnect_timeout: float | None,
    request_options: RequestOptions | None,
    stop_on_completion: bool = True,
) -> _Plan:
    where = f"runs.{kind}()"
    if not isinstance(stop_on_completion, bool):
        raise ArgumentTypeError(
            f"{where} stop_on_completion must be True or False, got {stop_on_completion!r:.60}"
        )
    _check_reconnect(reconnect_timeout, where)
    options = _options(request_options, where)
    args: dict[str, Any] = {}
    columns = skipped_columns(skip_columns, where)
    if columns:
        args["skip_columns"] = columns
    not_found_retries = 0
    if kind == "subscribe_to_run":
        operation: Operation[Any] = operations.RUNS_RUN_SHAPE
        args["run_id"] = target
        name = f"runs.subscribe_to_run({target})"
    elif kind == "subscribe_to_batch":
        operation = operations.RUNS_BATCH_RUNS_SHAPE
        args["batch_id"] = target
        name = f"runs.subscribe_to_batch({target})"
        not_found_retries = 3
    else:
        operation = operations.RUNS_TAGGED_RUNS_SHAPE
        args["tags"] = _tags(target)
        since = _created_at(created_at)
        if since is not None:
            args["created_at"] = since
        name = f"runs.subscribe_to_runs_with_tag({', '.join(args['tags'])})"
    client.check(operation, {**args, "offset": "-1"}, options)  # bad input raises now
    return _Plan(
        operation,
        args,
        options,
        name,
        kind == "subscribe_to_run" and stop_on_completion,
        reconnect_timeout,
        not_found_retries,
    )


SubscriptionT = TypeVar("SubscriptionT", RunSubscription, AsyncRunSubscription)


class _SubscriptionMethods(Generic[SubscriptionT]):
    """Methods of `runs` written by hand: realtime subscriptions, written once for both
    clients (creating a subscription sends nothing, so nothing here is awaited)."""

    _client: Any

    def _subscription(self, plan: _Plan) -> SubscriptionT:
        raise NotImplementedError

    def subscribe_to_run(
        self,
        run_id: str,
        *,
        skip_columns: Sequence[str] | None = None,
        reconnect_timeout: float | None = None,
        stop_on_completion: bool = True,
        request_options: RequestOptions | None = None,
    ) -> SubscriptionT:
        """Follow one run: a `RealtimeRun` now, then one each time the run changes, ending
        after the first snapshot in which it has finished.

        ``stop_on_completion=False`` keeps following after that, as the official SDK's
        ``stopOnCompletion: false`` does: metadata and tags can still change once a run has
        finished. Such a subscription ends only when you leave the loop or `close` it.

        ``skip_columns`` leaves fields out of every snapshot (``["payload", "output"]``
        saves sending them on each change). Network failures, 429 and 5xx answers reconnect
        with backoff from where the stream was; ``reconnect_timeout`` (seconds) raises the
        last error once reconnecting has failed that long (None: keep trying, as the
        official SDK does). Other errors raise: `NotFoundError` for an unknown run.
        Nothing is sent until the first snapshot is asked for.
        """
        plan = _plan(
            self._client,
            "subscribe_to_run",
            run_id,
            skip_columns=skip_columns,
            reconnect_timeout=reconnect_timeout,
            request_options=request_options,
            stop_on_completion=stop_on_completion,
        )
        return self._subscription(plan)

    def subscribe_to_runs_with_tag(
        self,
        tags: str | Sequence[str],
        *,
        created_at: str | datetime.timedelta | None = None,
        skip_columns: Sequence[str] | None = None,
        reconnect_timeout: float | None = None,
        request_options: RequestOptions | None = None,
    ) -> SubscriptionT:
        """Follow every run of the environment that carries all of ``tags`` and was created
        in the last ``created_at`` (a duration such as ``"1h"`` or a timedelta; the server
        allows at most a day and defaults to one): a snapshot of each, then one per change.
        It does not end by itself; leave the loop or `close` it. Otherwise as
        `subscribe_to_run`.
        """
        plan = _plan(
            self._client,
            "subscribe_to_runs_with_tag",
            tags,
            skip_columns=skip_columns,
            created_at=created_at,
            reconnect_timeout=reconnect_timeout,
            request_options=request_options,
        )
        return self._subscription(plan)

    def subscribe_to_batch(
        self,
        batch_id: str,
        *,
        skip_columns: Sequence[str] | None = None,
        reconnect_timeout: float | None = None,
        request_options: RequestOptions | None = None,
    ) -> SubscriptionT:
        """Follow the runs of a batch: a snapshot of each, then one per change. It does not
        end by itself; leave the loop or `close` it. Otherwise as `subscribe_to_run`."""
        plan = _plan(
            self._client,
            "subscribe_to_batch",
            batch_id,
            skip_columns=skip_columns,
            reconnect_timeout=reconnect_timeout,
            request_options=request_options,
        )
        return self._subscription(plan)


class RealtimeSubscriptions(_SubscriptionMethods[RunSubscription]):
    """The subscriptions of `TriggerClient`: ``for run in ...``."""

    _client: SyncAPIClient

    def _subscription(self, plan: _Plan) -> RunSubscription:
        return RunSubscription(self._client, plan)


class AsyncRealtimeSubscriptions(_SubscriptionMethods[AsyncRunSubscription]):
    """The subscriptions of `AsyncTriggerClient`: each returns an async iterator (no ``await``
    needed to create one), ``async for run in ...``."""

    _client: AsyncAPIClient

    def _subscription(self, plan: _Plan) -> AsyncRunSubscription:
        return AsyncRunSubscription(self._client, plan)

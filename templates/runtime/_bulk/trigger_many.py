# Runtime source of trigger_dev: codegen.py copies it into generated/trigger_dev/ unchanged.
"""`batches.trigger_many`: any number of items, as many batches as it takes.

The input is read lazily, at most ``batch_size`` items per batch and ``max_in_flight``
batches ahead, so a generator of millions of items is never held in memory. Each batch goes
through the two-phase batch API (`batch`). The batch limiter's 429s are shared: when one
batch is told to wait, every worker waits, so the client never hammers a limiter that has
just said no. Failures are reported per item in the results, never raised half-way.

With an ``idempotency_key``, every item and every batch gets a key derived from it and its
position, so running the same call again after a crash triggers nothing twice: batches that
exist come back cached (their items are re-sent, which the server de-duplicates by index)
and items that already ran return their runs.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from .. import _operations as operations
from .._exceptions import ApiError, ArgumentTypeError, InvalidArgumentError, RateLimitError, TriggerError
from .._http.steps import Pause, Request, Steps
from .._spec import BATCH_MAX_ITEMS
from .._wire.idempotency import hash_idempotency_key, user_key_hash
from .._wire.operation import select_route
from .._wire.validation import check_seconds
from .batch import (
    STREAM_ATTEMPTS,
    AsyncBatchTriggers,
    BatchTriggers,
    _check_batch_id,
    _line,
    _not_sealed,
    _operations_named,
)

if TYPE_CHECKING:
    from .._async_base_client import AsyncAPIClient
    from .._base_client import SyncAPIClient
    from .._http.options import RequestOptions
    from ..models import Batch, CreateBatchResponse
    from ..types import BatchTaskItem

__all__ = ["AsyncBulkTriggers", "BulkProgress", "BulkTriggers", "ItemOutcome"]

NAME = "batches.trigger_many"
RATE_LIMIT_WAITS = 50
"""429s one batch may be told to wait through before its items are reported as failed."""
RESOLVE_INTERVAL = 1.0
PROBE_INTERVAL = 0.02
"""How often a worker held back looks again while another's creation tests the limiter."""


@dataclass(frozen=True, slots=True)
class ItemOutcome:
    """What one input item became: its position in the input, its task, the batch it went in,
    its run (with ``resolve_runs=True``, once the server has created it), or the error that
    kept it from running."""

    index: int
    task: str | None
    batch_id: str | None = None
    run_id: str | None = None
    error: Exception | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass(frozen=True, slots=True)
class BulkProgress:
    """Counts so far, handed to ``on_progress`` after each batch (in input order)."""

    items_read: int = 0
    items_accepted: int = 0  # in batches the server sealed
    items_failed: int = 0
    batches_done: int = 0
    batches_failed: int = 0
    rate_limited: int = 0  # 429s from the batch limiter, each followed by a shared wait
    waited_seconds: float = 0.0
    elapsed_seconds: float = 0.0


@dataclass
class _Chunk:
    """One batch's worth of input, checked and encoded; items that failed the checks are
    outcomes already and are not sent."""

    indexes: list[int]  # input position of each line
    tasks: list[str]
    lines: list[dict[str, Any]]
    create_args: dict[str, Any]
    refused: list[ItemOutcome] = field(default_factory=list)


@dataclass
class _Settings:
    idempotency_key: list[str] | None
    idempotency_key_ttl: str | None
    resolve_runs: bool
    resolve_timeout: float
    request_options: RequestOptions | None


@dataclass
class _Work:
    """A call's batches to send, checked: the input, read lazily as chunks, and how."""

    chunks: Iterator[_Chunk]
    in_flight: int
    settings: _Settings
    on_progress: Callable[[BulkProgress], None] | None


class _Pacer:
    """The batch limiter's answers, shared by every worker: no creation before ``not_before``,
    and after a 429 one creation at a time.

    A wait is what the limiter needs for the batch it refused. Were every worker to go when
    it ends, all but one would be refused again; so one goes alone (the probe) while the
    others look again shortly. Creations stay one at a time until one gets through without
    having waited, with no 429 anywhere since it was sent: the bucket has room again.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.not_before = 0.0
        self.limited = False  # a 429 came, and no creation has succeeded since
        self.probe: object = None  # the worker whose creation is on its way while limited
        self.rate_limited = 0  # 429s so far; also tells a creation whether one came meanwhile
        self.waited = 0.0

    def told_to_wait(self, seconds: float) -> None:
        with self._lock:
            self.rate_limited += 1
            self.not_before = max(self.not_before, time.monotonic() + seconds)
            self.limited, self.probe = True, None

    def delay(self, worker: object) -> float:
        """Seconds ``worker`` waits before creating; 0 means go now (as the probe, when
        limited)."""
        with self._lock:
            wait = self.not_before - time.monotonic()
            if wait > 0:
                return wait
            if not self.limited or self.probe is worker:
                return 0.0
            if self.probe is not None:
                return PROBE_INTERVAL
            self.probe = worker
            return 0.0

    def created(self, worker: object, unpaced: bool, refusals_before: int) -> None:
        """``worker``'s creation got through. ``unpaced``: it was sent without waiting, at its
        first attempt; ``refusals_before``: `rate_limited` when it was sent."""
        with self._lock:
            if self.probe is worker:
                self.probe = None
            if unpaced and refusals_before == self.rate_limited:
                self.limited = False

    def gave_up(self, worker: object) -> None:
        """``worker``'s creation failed otherwise than with a 429: another may probe."""
        with self._lock:
            if self.probe is worker:
                self.probe = None

    def waited_for(self, seconds: float) -> None:
        with self._lock:
            self.waited += seconds


OutcomesT = TypeVar("OutcomesT")  # an iterator of ItemOutcome, or (async) an async iterator


class _BulkMethods(Generic[OutcomesT]):
    """`batches.trigger_many`, written once for both clients: every batch is a core written
    as steps; each client's class carries them out with its own engine (threads, tasks)."""

    _client: Any

    def _carry_out(self, work: _Work) -> OutcomesT:
        raise NotImplementedError

    def trigger_many(
        self,
        items: Iterable[BatchTaskItem],
        *,
        idempotency_key: str | Sequence[str] | None = None,
        idempotency_key_ttl: str | None = None,
        batch_size: int = BATCH_MAX_ITEMS,
        max_in_flight: int = 4,
        resolve_runs: bool = False,
        resolve_timeout: float = 120.0,
        on_progress: Callable[[BulkProgress], None] | None = None,
        request_options: RequestOptions | None = None,
    ) -> OutcomesT:
        """Trigger any number of items, each naming its task, as batches; yields one
        `ItemOutcome` per input item, in input order, as batches finish.

        The input may be any iterable (a generator that never fits in memory included):
        it is read ``batch_size`` items (at most the server's 1,000) at a time, with at most
        ``max_in_flight`` batches on the way. When the server's batch limiter answers 429,
        every worker waits what it asked for before creating another batch. A batch that
        fails (after its retries) or never seals is reported on each of its items; the
        other batches go on. Nothing is sent until the iteration starts.

        Args:
            items: Dicts ``{"task": ..., "payload": ..., "options": {...}}``.
            idempotency_key: Makes the whole call safe to run again: each item gets the key
                ``idempotency_keys.create([*key, str(position)])`` (unless its options have
                one) and each batch a key from its position, so a re-run after a crash
                triggers nothing twice.
            idempotency_key_ttl: How long those keys last (``"1d"``); the server's default
                otherwise.
            batch_size: Items per batch, 1 to 1,000.
            max_in_flight: Batches being created or streamed at once.
            resolve_runs: Wait for the server to create each batch's runs and report every
                item's run id (the server creates them in the background).
            resolve_timeout: Seconds to wait for one batch's runs.
            on_progress: Called after each batch with a `BulkProgress`, in the calling thread.
            request_options: Retry, timeout and header options for every request.
        """
        settings = _settings(
            idempotency_key, idempotency_key_ttl, resolve_runs, resolve_timeout, request_options
        )
        chunks = _chunks(items, _check_size(batch_size), settings)
        select_route(_operations_named(NAME)[0], self._client.credential, {})  # the wrong key fails now
        return self._carry_out(_Work(chunks, _check_in_flight(max_in_flight), settings, on_progress))


class BulkTriggers(BatchTriggers, _BulkMethods[Iterator[ItemOutcome]]):
    """The hand-written methods of `batches`: ``trigger`` (one batch) and ``trigger_many``."""

    _client: SyncAPIClient

    def _carry_out(self, work: _Work) -> Iterator[ItemOutcome]:
        return _run_sync(self._client, work)


class AsyncBulkTriggers(AsyncBatchTriggers, _BulkMethods[AsyncIterator[ItemOutcome]]):
    """`BulkTriggers` for `AsyncTriggerClient`: ``trigger`` is awaited, and ``trigger_many``
    returns an async iterator (iterate with ``async for``)."""

    _client: AsyncAPIClient

    def _carry_out(self, work: _Work) -> AsyncIterator[ItemOutcome]:
        return _run_async(self._client, work)


# --- planning: input to batches


def _settings(
    key: Any,
    ttl: str | None,
    resolve_runs: bool,
    resolve_timeout: float,
    request_options: RequestOptions | None,
) -> _Settings:
    parts = None
    if key is not None:
        user_key_hash(key)  # the same checks as a trigger's key
        parts = [key] if isinstance(key, str) else list(key)
    if ttl is not None:
        operations.TRIGGER_TASK_OPTIONS_FIELDS["idempotency_key_ttl"].check(  # type: ignore[misc]
            ttl, lambda: f"{NAME}() idempotency_key_ttl"
        )
    check_seconds(resolve_timeout, f"{NAME}() resolve_timeout")
    return _Settings(parts, ttl, resolve_runs, float(resolve_timeout), request_options)


def _check_size(batch_size: int) -> int:
    if (
        isinstance(batch_size, bool)
        or not isinstance(batch_size, int)
        or not 1 <= batch_size <= BATCH_MAX_ITEMS
    ):
        raise InvalidArgumentError(
            f"{NAME}() batch_size must be a whole number from 1 to {BATCH_MAX_ITEMS}, got {batch_size!r}"
        )
    return batch_size


def _check_in_flight(max_in_flight: int) -> int:
    if isinstance(max_in_flight, bool) or not isinstance(max_in_flight, int) or not 1 <= max_in_flight <= 64:
        raise InvalidArgumentError(
            f"{NAME}() max_in_flight must be a whole number from 1 to 64, got {max_in_flight!r}"
        )
    return max_in_flight


def _chunks(items: Iterable[Any], size: int, settings: _Settings) -> Iterator[_Chunk]:
    if isinstance(items, (str, bytes, Mapping)) or not isinstance(items, Iterable):
        raise ArgumentTypeError(
            f"{NAME}() items must be an iterable of {{'task': ..., 'payload': ...}} dicts"
        )

    def generate() -> Iterator[_Chunk]:
        batch: list[tuple[int, Any]] = []
        for index, item in enumerate(items):
            batch.append((index, item))
            if len(batch) == size:
                yield _chunk(batch, settings)
                batch = []
        if batch:
            yield _chunk(batch, settings)

    return generate()


def _chunk(batch: list[tuple[int, Any]], settings: _Settings) -> _Chunk:
    chunk = _Chunk([], [], [], {})
    for index, item in batch:
        try:
            line = _line(NAME, None, len(chunk.lines), _with_key(item, index, settings), None, None)
        except (TypeError, ValueError) as error:
            task = item.get("task") if isinstance(item, Mapping) else None
            chunk.refused.append(ItemOutcome(index, task if isinstance(task, str) else None, error=error))
            continue
        chunk.indexes.append(index)
        chunk.tasks.append(line["task"])
        chunk.lines.append(line)
    if chunk.lines:
        chunk.create_args = {"run_count": len(chunk.lines), "task_identifiers": sorted(set(chunk.tasks))}
        if settings.idempotency_key is not None:
            first, last = chunk.indexes[0], chunk.indexes[-1]
            chunk.create_args["idempotency_key"] = hash_idempotency_key(
                [*settings.idempotency_key, "batch", str(first), str(last)]
            )
    return chunk


def _with_key(item: Any, index: int, settings: _Settings) -> Any:
    """The item with the key derived from the call's key and its position, unless it has one."""
    if settings.idempotency_key is None or not isinstance(item, Mapping):
        return item
    options = item.get("options") or {}
    if not isinstance(options, Mapping) or options.get("idempotency_key") is not None:
        return item
    added: dict[str, Any] = {"idempotency_key": hash_idempotency_key([*settings.idempotency_key, str(index)])}
    if settings.idempotency_key_ttl is not None and options.get("idempotency_key_ttl") is None:
        added["idempotency_key_ttl"] = settings.idempotency_key_ttl
    return {**item, "options": {**options, **added}}


# --- outcomes


def _failed(chunk: _Chunk, error: Exception, batch_id: str | None = None) -> list[ItemOutcome]:
    sent = [ItemOutcome(i, t, batch_id, error=error) for i, t in zip(chunk.indexes, chunk.tasks, strict=True)]
    return _in_order(chunk, sent)


def _accepted(chunk: _Chunk, batch_id: str, batch: Batch | None) -> list[ItemOutcome]:
    runs: list[str | None] = [None] * len(chunk.lines)
    errors: dict[int, Exception] = {}
    if batch is not None:
        failed = {e.index: e for e in (batch.processing.errors if batch.processing else [])}
        # The server lists the runs it created in item order; failed items have none.
        if len(batch.runs) + len(failed) == len(chunk.lines):
            created = iter(batch.runs)
            for position in range(len(chunk.lines)):
                if position in failed:
                    errors[position] = _ItemFailed(failed[position].error, failed[position].error_code)
                else:
                    runs[position] = next(created)
    sent = [
        ItemOutcome(i, t, batch_id, runs[p], errors.get(p))
        for p, (i, t) in enumerate(zip(chunk.indexes, chunk.tasks, strict=True))
    ]
    return _in_order(chunk, sent)


def _in_order(chunk: _Chunk, sent: list[ItemOutcome]) -> list[ItemOutcome]:
    if not chunk.refused:
        return sent
    return sorted([*sent, *chunk.refused], key=lambda outcome: outcome.index)


class _ItemFailed(TriggerError):
    """The server could not turn an item into a run (it says why)."""

    def __init__(self, message: str, code: str | None) -> None:
        super().__init__(f"{message} ({code})" if code else message)
        self.code = code


class _Tally:
    def __init__(self, on_progress: Callable[[BulkProgress], None] | None) -> None:
        self.on_progress = on_progress
        self.started = time.monotonic()
        self.progress = BulkProgress()

    def add(self, outcomes: list[ItemOutcome], batch_failed: bool, pacer: _Pacer) -> None:
        failed = sum(1 for o in outcomes if o.error is not None)
        p = self.progress
        self.progress = replace(
            p,
            items_read=p.items_read + len(outcomes),
            items_accepted=p.items_accepted + (0 if batch_failed else sum(1 for o in outcomes if o.batch_id)),
            items_failed=p.items_failed + failed,
            batches_done=p.batches_done + (0 if batch_failed else 1),
            batches_failed=p.batches_failed + (1 if batch_failed else 0),
            rate_limited=pacer.rate_limited,
            waited_seconds=round(pacer.waited, 3),
            elapsed_seconds=round(time.monotonic() - self.started, 3),
        )
        if self.on_progress is not None:
            self.on_progress(self.progress)


# --- one batch, as steps: the sync and async engines only carry out the I/O


_Steps = Steps[tuple[list[ItemOutcome], bool]]


def _batch_steps(
    chunk: _Chunk, settings: _Settings, pacer: _Pacer, backoff: Callable[[int], float]
) -> _Steps:
    """Create one batch, stream its items, and (if asked) wait for its runs. Yields what to
    do; each request's response (or the error it raised) is sent back in. Returns the
    batch's outcomes and whether the batch failed."""
    if not chunk.lines:
        return chunk.refused, False
    create, stream = _operations_named(NAME)
    created: CreateBatchResponse | None = None
    try:
        paced = False
        for attempt in range(1, RATE_LIMIT_WAITS + 2):
            # Another worker's 429 may lengthen the wait while this one sleeps: look again.
            while delay := pacer.delay(chunk):
                yield Pause(delay)
                pacer.waited_for(delay)
                paced = True
            refusals_before = pacer.rate_limited
            try:
                response = yield Request(create, chunk.create_args, _once(settings))
                created = response.parse()
                _check_batch_id(NAME, response, created)
            except RateLimitError as error:
                wait = error.retry_after_seconds
                pacer.told_to_wait(backoff(attempt) if wait is None else wait)
                if attempt > RATE_LIMIT_WAITS:
                    raise
                continue
            except BaseException:
                pacer.gave_up(chunk)
                raise
            # Only a creation that neither waited nor was refused shows the bucket has room.
            pacer.created(chunk, unpaced=not paced and attempt == 1, refusals_before=refusals_before)
            break
        assert created is not None
        for _ in range(STREAM_ATTEMPTS):
            try:
                streamed = (
                    yield Request(
                        stream, {"batch_id": created.id, "items": chunk.lines}, settings.request_options
                    )
                ).parse()
            except ApiError as error:
                if created.is_cached and _already_sealed(error):
                    break
                raise
            if streamed.sealed:
                break
        else:
            raise _not_sealed(NAME, created, streamed, len(chunk.lines))
        batch = None
        if settings.resolve_runs:
            deadline = time.monotonic() + settings.resolve_timeout
            while True:
                batch = (
                    yield Request(
                        operations.BATCHES_RETRIEVE, {"batch_id": created.id}, settings.request_options
                    )
                ).parse()
                if _complete(batch, created.run_count) or time.monotonic() >= deadline:
                    break
                yield Pause(RESOLVE_INTERVAL)
    except (TriggerError, ValueError, TypeError) as error:
        return _failed(chunk, error, created.id if created else None), True
    return _accepted(chunk, created.id, batch), False


def _complete(batch: Batch, run_count: int) -> bool:
    errors = batch.processing.errors if batch.processing else []
    return len(batch.runs) + len(errors) >= run_count


def _already_sealed(error: ApiError) -> bool:
    # Servers before 4.5 refuse items for a sealed batch instead of answering sealed: true.
    return error.status in (400, 422) and "already sealed" in str(error.message)


def _once(settings: _Settings) -> RequestOptions:
    """The creation's options: 429s are handled here (shared by every worker), so the call
    itself does not retry them on its own."""
    options: dict[str, Any] = dict(settings.request_options or {})
    options["retry"] = {**options.get("retry", {}), "max_attempts": 1}
    return options  # type: ignore[return-value]


def _backoff(client: SyncAPIClient | AsyncAPIClient, settings: _Settings) -> Callable[[int], float]:
    return client.options.merged(settings.request_options).retry.backoff


# --- the engines: the order of the work is decided once; threads or tasks carry it out


class _Batches:
    """One call's batches, in the order an engine carries them out: `order` says when to
    start a batch and when to wait for the oldest one started, `outcomes` counts what a
    finished batch gave (and reports progress)."""

    def __init__(self, client: SyncAPIClient | AsyncAPIClient, work: _Work) -> None:
        self.client = client
        self.work = work
        self.pacer = _Pacer()
        self.tally = _Tally(work.on_progress)

    def order(self) -> Iterator[_Steps | None]:
        """Each batch's steps, for the engine to start; None: wait for the oldest batch
        started and hand its result to `outcomes`. At most ``in_flight`` batches are on the
        way, and results are handed over in input order."""
        settings, in_flight = self.work.settings, self.work.in_flight
        started = 0
        for chunk in self.work.chunks:
            yield _batch_steps(chunk, settings, self.pacer, _backoff(self.client, settings))
            started += 1
            if started == in_flight:
                yield None
                started -= 1
        for _ in range(started):
            yield None

    def outcomes(self, result: tuple[list[ItemOutcome], bool]) -> list[ItemOutcome]:
        outcomes, batch_failed = result
        self.tally.add(outcomes, batch_failed, self.pacer)
        return outcomes


# --- the sync engine: threads


def _run_sync(client: SyncAPIClient, work: _Work) -> Iterator[ItemOutcome]:
    batches = _Batches(client, work)
    with ThreadPoolExecutor(max_workers=work.in_flight, thread_name_prefix="trigger_many") as pool:
        pending: deque[Future[tuple[list[ItemOutcome], bool]]] = deque()
        try:
            for steps in batches.order():
                if steps is None:
                    yield from batches.outcomes(pending.popleft().result())
                else:
                    pending.append(pool.submit(client.run, steps))
        finally:
            for future in pending:
                future.cancel()


# --- the async engine: tasks


async def _run_async(client: AsyncAPIClient, work: _Work) -> AsyncIterator[ItemOutcome]:
    batches = _Batches(client, work)
    pending: deque[asyncio.Task[tuple[list[ItemOutcome], bool]]] = deque()
    try:
        for steps in batches.order():
            if steps is None:
                for outcome in batches.outcomes(await pending.popleft()):
                    yield outcome
            else:
                pending.append(asyncio.ensure_future(client.run(steps)))
    finally:
        for task in pending:
            task.cancel()

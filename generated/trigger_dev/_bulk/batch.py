# Copied by codegen.py from templates/runtime/_bulk/batch.py (sha256 1884bc98d11f834b); edit that file, not this one.
"""`tasks.batch_trigger` and `batches.trigger`: the two-phase batch API the official SDK uses.

Phase one creates the batch with its run count; phase two streams the items as NDJSON. The
server de-duplicates items by index, so resending the whole stream is safe; a batch that
comes back unsealed is streamed again a bounded number of times.
"""

from __future__ import annotations

from collections.abc import Coroutine, Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from .. import _operations as operations
from .._exceptions import (
    ApiSchemaValidationError,
    ArgumentTypeError,
    BatchNotSealedError,
    InvalidArgumentError,
    NotFoundError,
)
from .._http.options import RequestOptions
from .._http.raw_response import RawResponse
from .._http.steps import Request, StepMethods, Steps
from .._spec import BATCH_MAX_ITEMS
from .._wire.deployment import deployment_defaults
from .._wire.encoders import Field, to_wire
from .._wire.idempotency import hash_idempotency_key
from .._wire.operation import Operation, json_bytes
from ..models import CreateBatchResponse, StreamBatchItemsResponse
from ..types import BatchTaskItem, BatchTriggerItem, BatchTriggerOptions

if TYPE_CHECKING:
    from .._async_base_client import AsyncAPIClient
    from .._base_client import SyncAPIClient

__all__ = ["AsyncBatchTriggers", "BatchTriggers", "batch_trigger"]

MAX_ITEMS = BATCH_MAX_ITEMS
STREAM_ATTEMPTS = 3
_ITEM_KEYS = frozenset({"payload", "options"})
_TASK_ITEM_KEYS = frozenset({"task", "payload", "options"})
_BATCH_OPTION_FIELDS: dict[str, Field] = {
    "idempotency_key": Field("idempotencyKey", {"x-accepts": ["string-list"], "type": "string"}),
    "idempotency_key_ttl": Field(
        "idempotencyKeyTTL", operations.TRIGGER_TASK_OPTIONS_FIELDS["idempotency_key_ttl"].schema
    ),
}


def batch_trigger(
    task_id: str,
    items: Sequence[BatchTriggerItem],
    *,
    options: BatchTriggerOptions | None,
    request_options: RequestOptions | None,
) -> Steps[RawResponse[CreateBatchResponse]]:
    """`tasks.batch_trigger`, as steps for either client to carry out: create the batch and
    stream its items; returns the creation's response."""
    return _batch_steps("tasks.batch_trigger", items, options, task_id, request_options)


CreatedT = TypeVar("CreatedT")  # a CreateBatchResponse, or (async) the coroutine that gives one


class _BatchMethods(StepMethods[CreateBatchResponse, CreatedT]):
    """`batches.trigger`, written once for both clients: the batch is a core written as
    steps, which the client carries out (the async one returns a coroutine to await)."""

    def trigger(
        self,
        items: Sequence[BatchTaskItem],
        *,
        options: BatchTriggerOptions | None = None,
        request_options: RequestOptions | None = None,
    ) -> CreatedT:
        """Trigger a batch whose items each name their task: ``[{"task": "send-email",
        "payload": {...}, "options": {...}}, ...]``, up to the server's batch size.

        The same two-phase API as `tasks.batch_trigger` (which runs one task), with the
        same per-item options and idempotency; returns the batch id, its run count and a
        public access token. Large payloads are uploaded first.
        """
        return self._client.run(_trigger_steps(items, options, request_options))


class BatchTriggers(_BatchMethods[CreateBatchResponse]):
    """Methods of `batches` written by hand: one batch across several tasks."""

    _client: SyncAPIClient


class AsyncBatchTriggers(_BatchMethods[Coroutine[Any, Any, CreateBatchResponse]]):
    """`BatchTriggers` for `AsyncTriggerClient`."""

    _client: AsyncAPIClient


class _Batch(NamedTuple):
    """A batch checked and encoded, before anything is sent."""

    create: Operation[CreateBatchResponse]
    stream: Operation[StreamBatchItemsResponse]
    create_args: dict[str, Any]
    lines: list[dict[str, Any]]


def _trigger_steps(
    items: Sequence[BatchTaskItem],
    options: BatchTriggerOptions | None,
    request_options: RequestOptions | None,
) -> Steps[CreateBatchResponse]:
    """`batches.trigger` as steps: the batch, its items naming their tasks."""
    created = yield from _batch_steps("batches.trigger", items, options, None, request_options)
    return created.parse()


def _batch_steps(
    name: str,
    items: Sequence[Any],
    options: BatchTriggerOptions | None,
    task_id: str | None,
    request_options: RequestOptions | None,
) -> Steps[RawResponse[CreateBatchResponse]]:
    """Check and encode the batch (`_prepare`), then create it and stream its items until
    the server seals it, as steps. Nothing is checked before the steps are carried out."""
    batch = _prepare(name, items, options, task_id)
    try:
        created_response: RawResponse[CreateBatchResponse] = yield Request(
            batch.create, batch.create_args, request_options
        )
    except NotFoundError as error:
        raise _no_batch_api(batch.create.name, error) from None
    created = created_response.parse()
    if created.is_cached:
        return created_response  # the same batch was created before; its items are in
    _check_batch_id(batch.create.name, created_response, created)
    for _ in range(STREAM_ATTEMPTS):
        streamed = (yield Request(batch.stream, _stream_args(created, batch), request_options)).parse()
        if streamed.sealed:
            return created_response
    raise _not_sealed(batch.create.name, created, streamed, len(batch.lines))


def _stream_args(created: CreateBatchResponse, batch: _Batch) -> dict[str, Any]:
    return {"batch_id": created.id, "items": batch.lines}


def _operations_named(
    name: str,
) -> tuple[Operation[CreateBatchResponse], Operation[StreamBatchItemsResponse]]:
    create, stream = operations.TASKS_BATCH_TRIGGER_CREATE, operations.TASKS_BATCH_TRIGGER_ITEMS
    if name == create.name:
        return create, stream
    return replace(create, name=name), replace(stream, name=name)


def _prepare(
    name: str, items: Sequence[Any], options: BatchTriggerOptions | None, task_id: str | None
) -> _Batch:
    """The creation's arguments and the NDJSON lines, checked before anything is sent. With a
    ``task_id`` every item runs that task; without, each item names its own."""
    if task_id is not None and (not isinstance(task_id, str) or not task_id):
        raise InvalidArgumentError(f"{name}() needs a task id string, got {task_id!r:.80}")
    shape = (
        "{'payload': ..., 'options': {...}}"
        if task_id is not None
        else "{'task': ..., 'payload': ..., 'options': {...}}"
    )
    if isinstance(items, (str, bytes, Mapping)) or not isinstance(items, Sequence):
        raise ArgumentTypeError(f"{name}() items must be a list of {shape} dicts")
    if not 1 <= len(items) <= MAX_ITEMS:
        raise InvalidArgumentError(f"{name}() takes 1 to {MAX_ITEMS} items, got {len(items)}")
    batch = to_wire(options or {}, _BATCH_OPTION_FIELDS, f"{name}() options")
    user_key = (options or {}).get("idempotency_key")
    lines = [
        _line(name, task_id, index, item, user_key, batch.get("idempotencyKeyTTL"))
        for index, item in enumerate(items)
    ]
    tasks = sorted({line["task"] for line in lines})  # distinct and sorted, as the official SDK sends them
    create_args = {"run_count": len(lines), "task_identifiers": tasks, "idempotency_key": user_key}
    return _Batch(*_operations_named(name), create_args, lines)


def _no_batch_api(name: str, error: NotFoundError) -> NotFoundError:
    # Creating a batch looks nothing up, so a 404 means the route itself is missing.
    return NotFoundError(
        f"{name}: this server has no two-phase batch API ({error.message}). Upgrade the "
        "server, or trigger the items one by one with tasks.trigger.",
        status=error.status,
        headers=error.headers,
        body=error.body,
    )


def _check_batch_id(
    name: str, response: RawResponse[CreateBatchResponse], created: CreateBatchResponse
) -> None:
    # The id goes into the next request's path; one that cannot be a path segment is the
    # server's error, not the caller's.
    if (
        created.id.strip() in ("", ".", "..")
        or any(c in created.id for c in "/\\?#")
        or not created.id.isprintable()
    ):
        raise ApiSchemaValidationError(
            f"{name}: the server created a batch with the id {created.id!r:.60}, "
            "which cannot be used to send its items",
            status=response.status_code,
            headers=response.headers,
            body=response.text,
        )


def _not_sealed(
    name: str, created: CreateBatchResponse, streamed: StreamBatchItemsResponse, count: int
) -> BatchNotSealedError:
    return BatchNotSealedError(
        f"{name}: batch {created.id} was not sealed after {STREAM_ATTEMPTS} attempts to "
        f"send its {count} items (server accepted {streamed.items_accepted}, "
        f"de-duplicated {streamed.items_deduplicated})",
        status=200,
    )


def _line(
    name: str, task_id: str | None, index: int, item: Any, batch_key: Any, batch_ttl: str | None
) -> dict[str, Any]:
    where = f"{name}() items[{index}]"
    own_task = task_id is None
    keys = _TASK_ITEM_KEYS if own_task else _ITEM_KEYS
    if not isinstance(item, Mapping):
        raise ArgumentTypeError(f"{where} must be a dict with keys {sorted(keys)}, got {type(item).__name__}")
    unknown = set(item) - keys
    if unknown:
        raise ArgumentTypeError(f"{where} has unknown keys {sorted(unknown)}; an item takes {sorted(keys)}")
    if task_id is None:
        task_id = item.get("task")
        if not isinstance(task_id, str) or not task_id:
            raise InvalidArgumentError(
                f"{where} needs 'task': the id of the task to run, got {task_id!r:.60}"
            )
    item_options = to_wire(
        deployment_defaults(item.get("options")) or {},
        operations.TRIGGER_TASK_OPTIONS_FIELDS,
        f"{where}['options']",
    )
    if "idempotencyKey" not in item_options and batch_key is not None:
        # The official SDK's per-item key: the batch key's parts plus the index, hashed.
        parts = [batch_key] if isinstance(batch_key, str) else list(batch_key)
        item_options["idempotencyKey"] = hash_idempotency_key([*parts, str(index)])
    if "idempotencyKeyTTL" not in item_options and batch_ttl is not None:
        item_options["idempotencyKeyTTL"] = batch_ttl
    if own_task:
        # The official batch.trigger (items naming their task) sends the key alone, unlike
        # tasks.batchTrigger; the server stores a missing scope differently, so match it.
        item_options.pop("idempotencyKeyOptions", None)
    line: dict[str, Any] = {"index": index, "task": task_id, "payload": item.get("payload")}
    if item_options:
        line["options"] = item_options
        _check_options_size(where, item_options)
    return line


def _check_options_size(where: str, item_options: Mapping[str, Any]) -> None:
    # A large payload is uploaded and replaced by a short reference, but options (metadata)
    # stay in the line. Refused here, before the batch is created, rather than after.
    limit = operations.TASKS_BATCH_TRIGGER_ITEMS.routes[0].max_line
    if limit is None or len(item_options.get("metadata") or ()) == 0:
        return
    size = len(json_bytes("batch", item_options))
    if size + _LINE_OVERHEAD > limit:
        raise InvalidArgumentError(
            f"{where}['options'] is {size:,} bytes: with it, the item is over the {limit:,} bytes the "
            "server accepts per item (payloads of 128 KiB or more are uploaded separately, options are not)"
        )


# A line without its payload: index, task, and the reference an uploaded payload leaves.
_LINE_OVERHEAD = 512

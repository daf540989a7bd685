# Runtime source of trigger_dev: codegen.py copies it into generated/trigger_dev/ unchanged.
"""`tasks.batch_trigger`: the two-phase batch API the official SDK uses.

Phase one creates the batch with its run count; phase two streams the items as NDJSON. The
server de-duplicates items by index, so resending the whole stream is safe; a batch that
comes back unsealed is streamed again a bounded number of times.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from . import _operations as operations
from ._encoding import Field, to_wire
from ._exceptions import ApiSchemaValidationError, BatchNotSealedError, NotFoundError
from ._idempotency import hash_idempotency_key
from ._operation import json_bytes
from ._raw_response import RawResponse
from ._request_options import RequestOptions
from ._spec import BATCH_MAX_ITEMS
from .models import CreateBatchResponse, StreamBatchItemsResponse
from .types import BatchTriggerItem, BatchTriggerOptions

if TYPE_CHECKING:
    from ._async_base_client import AsyncAPIClient
    from ._base_client import SyncAPIClient

__all__ = ["async_batch_trigger", "batch_trigger"]

MAX_ITEMS = BATCH_MAX_ITEMS
STREAM_ATTEMPTS = 3
_ITEM_KEYS = frozenset({"payload", "options"})
_BATCH_OPTION_FIELDS: dict[str, Field] = {
    "idempotency_key": Field("idempotencyKey", {"x-accepts": ["string-list"], "type": "string"}),
    "idempotency_key_ttl": Field(
        "idempotencyKeyTTL", operations.TRIGGER_TASK_OPTIONS_FIELDS["idempotency_key_ttl"].schema
    ),
}


def batch_trigger(
    client: SyncAPIClient,
    task_id: str,
    items: Sequence[BatchTriggerItem],
    *,
    options: BatchTriggerOptions | None,
    request_options: RequestOptions | None,
) -> RawResponse[CreateBatchResponse]:
    """Create the batch and stream its items; returns the creation's response."""
    create_args, lines = _prepare(task_id, items, options)
    try:
        created_response = client.request(operations.TASKS_BATCH_TRIGGER_CREATE, create_args, request_options)
    except NotFoundError as error:
        raise _no_batch_api(error) from None
    created = created_response.parse()
    if created.is_cached:
        return created_response  # the same batch was created before; its items are in
    _check_batch_id(created_response, created)
    for _ in range(STREAM_ATTEMPTS):
        streamed = client.request(
            operations.TASKS_BATCH_TRIGGER_ITEMS, {"batch_id": created.id, "items": lines}, request_options
        ).parse()
        if streamed.sealed:
            return created_response
    raise _not_sealed(created, streamed, len(lines))


async def async_batch_trigger(
    client: AsyncAPIClient,
    task_id: str,
    items: Sequence[BatchTriggerItem],
    *,
    options: BatchTriggerOptions | None,
    request_options: RequestOptions | None,
) -> RawResponse[CreateBatchResponse]:
    """`batch_trigger` for the async client: the same two phases, awaited."""
    create_args, lines = _prepare(task_id, items, options)
    try:
        created_response = await client.request(
            operations.TASKS_BATCH_TRIGGER_CREATE, create_args, request_options
        )
    except NotFoundError as error:
        raise _no_batch_api(error) from None
    created = created_response.parse()
    if created.is_cached:
        return created_response
    _check_batch_id(created_response, created)
    for _ in range(STREAM_ATTEMPTS):
        streamed = (
            await client.request(
                operations.TASKS_BATCH_TRIGGER_ITEMS,
                {"batch_id": created.id, "items": lines},
                request_options,
            )
        ).parse()
        if streamed.sealed:
            return created_response
    raise _not_sealed(created, streamed, len(lines))


def _prepare(
    task_id: str, items: Sequence[BatchTriggerItem], options: BatchTriggerOptions | None
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The creation's arguments and the NDJSON lines, checked before anything is sent."""
    if not isinstance(task_id, str) or not task_id:
        raise ValueError(f"tasks.batch_trigger() needs a task id string, got {task_id!r:.80}")
    if isinstance(items, (str, bytes, Mapping)) or not isinstance(items, Sequence):
        raise TypeError(
            "tasks.batch_trigger() items must be a list of {'payload': ..., 'options': {...}} dicts"
        )
    if not 1 <= len(items) <= MAX_ITEMS:
        raise ValueError(f"tasks.batch_trigger() takes 1 to {MAX_ITEMS} items, got {len(items)}")
    batch = to_wire(options or {}, _BATCH_OPTION_FIELDS, "tasks.batch_trigger() options")
    user_key = (options or {}).get("idempotency_key")
    lines = [
        _line(task_id, index, item, user_key, batch.get("idempotencyKeyTTL"))
        for index, item in enumerate(items)
    ]
    create_args = {"run_count": len(lines), "task_identifiers": [task_id], "idempotency_key": user_key}
    return create_args, lines


def _no_batch_api(error: NotFoundError) -> NotFoundError:
    # Creating a batch looks nothing up, so a 404 means the route itself is missing.
    return NotFoundError(
        "tasks.batch_trigger: this server has no two-phase batch API (POST /api/v3/batches "
        f"answered 404: {error.message}); servers serve it from Trigger.dev 4.3.1. Upgrade "
        "the server, or trigger the items one by one with tasks.trigger.",
        status=error.status,
        headers=error.headers,
        body=error.body,
    )


def _check_batch_id(response: RawResponse[CreateBatchResponse], created: CreateBatchResponse) -> None:
    # The id goes into the next request's path; one that cannot be a path segment is the
    # server's error, not the caller's.
    if (
        created.id.strip() in ("", ".", "..")
        or any(c in created.id for c in "/\\?#")
        or not created.id.isprintable()
    ):
        raise ApiSchemaValidationError(
            f"tasks.batch_trigger: the server created a batch with the id {created.id!r:.60}, "
            "which cannot be used to send its items",
            status=response.status_code,
            headers=response.headers,
            body=response.text,
        )


def _not_sealed(
    created: CreateBatchResponse, streamed: StreamBatchItemsResponse, count: int
) -> BatchNotSealedError:
    return BatchNotSealedError(
        f"tasks.batch_trigger: batch {created.id} was not sealed after {STREAM_ATTEMPTS} attempts to "
        f"send its {count} items (server accepted {streamed.items_accepted}, "
        f"de-duplicated {streamed.items_deduplicated})",
        status=200,
    )


def _line(task_id: str, index: int, item: Any, batch_key: Any, batch_ttl: str | None) -> dict[str, Any]:
    where = f"tasks.batch_trigger() items[{index}]"
    if not isinstance(item, Mapping):
        raise TypeError(
            f"{where} must be a dict with 'payload' and 'options' keys, got {type(item).__name__}"
        )
    unknown = set(item) - _ITEM_KEYS
    if unknown:
        raise TypeError(f"{where} has unknown keys {sorted(unknown)}; an item takes 'payload' and 'options'")
    item_options = to_wire(
        item.get("options") or {}, operations.TRIGGER_TASK_OPTIONS_FIELDS, f"{where}['options']"
    )
    if "idempotencyKey" not in item_options and batch_key is not None:
        # The official SDK's per-item key: the batch key's parts plus the index, hashed.
        parts = [batch_key] if isinstance(batch_key, str) else list(batch_key)
        item_options["idempotencyKey"] = hash_idempotency_key([*parts, str(index)])
    if "idempotencyKeyTTL" not in item_options and batch_ttl is not None:
        item_options["idempotencyKeyTTL"] = batch_ttl
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
    size = len(json_bytes("tasks.batch_trigger", item_options))
    if size + _LINE_OVERHEAD > limit:
        raise ValueError(
            f"{where}['options'] is {size:,} bytes: with it, the item is over the {limit:,} bytes the "
            "server accepts per item (payloads of 128 KiB or more are uploaded separately, options are not)"
        )


# A line without its payload: index, task, and the reference an uploaded payload leaves.
_LINE_OVERHEAD = 512

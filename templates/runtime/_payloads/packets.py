# Runtime source of trigger_dev: codegen.py copies it into generated/trigger_dev/ unchanged.
"""Payloads and outputs too large to travel inline, which the server keeps in object storage.

Before a trigger, a payload of 128 KiB or more (serialised) is uploaded to a presigned URL
and the request carries its storage path instead, as the official SDK does. When a run is
read whose payload or output the server kept in storage, the client downloads it from the
presigned URL in the answer. Both transfers go to the object store directly and never carry
the API credential. This module holds the rules; the clients do the I/O.
"""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .. import _json
from .._exceptions import ApiError, ObjectStoreError
from .._http.messages import url_for_messages
from .._wire.operation import PreparedRequest, json_bytes

__all__ = [
    "INLINE_LIMIT",
    "OFFLOAD_THRESHOLD",
    "LargePayload",
    "decode_packet",
    "decode_packet_text",
    "large_payloads",
    "offloaded_fields",
    "store_reference",
    "transfer_failure",
]

OFFLOAD_THRESHOLD = 128 * 1024
"""Serialised payloads of this many bytes or more are uploaded first (the official SDK's figure)."""
INLINE_LIMIT = 3_145_728
"""The largest trigger body, or batch item line, the server takes."""
STORE_TYPE = "application/store"

_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9_.-]")
_ERROR_CODE = re.compile(r"<Code>([A-Za-z0-9_.-]{1,64})</Code>")


@dataclass
class LargePayload:
    """A payload to upload: the JSON object holding it (the body or a batch line), its bytes,
    the task it is for, and how large its container is when sent inline."""

    container: dict[str, Any]
    field: str
    data: bytes
    task: str
    inline_size: int
    filename: str

    def describe(self) -> str:
        return f"the {_size(len(self.data))} payload of task {self.task!r}"


def large_payloads(prepared: PreparedRequest) -> list[LargePayload]:
    """The payloads of this request that must go to object storage, if any.

    The body is encoded once here; when nothing is large, that encoding is what is sent.
    """
    offload = prepared.route.offload
    if offload is None or prepared.document is None:
        return []
    body = prepared.body()
    if body is None or len(body) < OFFLOAD_THRESHOLD:
        return []
    if prepared.route.body == "json":
        task = prepared.path_value(offload.task) or ""
        containers = [(prepared.document, task, len(body))]
    else:
        containers = []
        for line in prepared.document:
            size = len(json_bytes(prepared.operation, line)) + 1
            if size >= OFFLOAD_THRESHOLD:
                containers.append((line, str(line.get(offload.task, "")), size))
    found = []
    for container, task, inline_size in containers:
        if offload.field not in container or _already_stored(container):
            continue
        data = json_bytes(prepared.operation, container[offload.field])
        if len(data) >= OFFLOAD_THRESHOLD:
            found.append(LargePayload(container, offload.field, data, task, inline_size, _filename(task)))
    return found


def store_reference(payload: LargePayload, storage_path: str) -> None:
    """Replace the payload by its storage path, as the server expects after an upload."""
    options = dict(payload.container.get("options") or {})
    options["payloadType"] = STORE_TYPE
    options["payloadSize"] = len(payload.data)
    payload.container[payload.field] = storage_path
    payload.container["options"] = options


def offloaded_fields(resolves: tuple[tuple[str, str], ...], document: Any) -> list[tuple[str, str]]:
    """``(data field, presigned URL)`` for each presigned URL present in a decoded body."""
    if not isinstance(document, dict):
        return []
    found = []
    for url_field, data_field in resolves:
        url = document.get(url_field)
        if isinstance(url, str) and url:
            found.append((data_field, url))
    return found


def decode_packet(content_type: str | None, content: bytes) -> Any:
    """The value of a stored payload or output, read by the content type it was stored with.

    ``application/json`` is parsed; ``application/super+json`` (what the official SDK stores)
    gives its ``json`` member, which is what the server would have sent inline; text and
    unknown types come back as text. ``ValueError`` when the content does not parse.
    """
    return decode_packet_text(content_type, content.decode("utf-8"))


def decode_packet_text(content_type: str | None, text: str) -> Any:
    """`decode_packet` for a value already read as text (a realtime row's column)."""
    media = (content_type or "application/json").split(";", 1)[0].strip().lower()
    if not text:
        return None
    if media in ("application/json", "application/super+json"):
        value = _json.loads(text)
        if media == "application/super+json":
            if not isinstance(value, dict) or "json" not in value:
                raise ValueError("a superjson document has a top-level 'json' member")
            return value["json"]
        return value
    return text


def transfer_failure(error: ApiError) -> str:
    """What went wrong with an object-store request, for a message: the status and the
    store's error code, never its body (which can echo the signed request)."""
    if error.status is None:
        return str(error)
    body = error.body if isinstance(error.body, str) else ""
    code = _ERROR_CODE.search(body)
    return f"HTTP {error.status}" + (f" {code.group(1)}" if code else "")


def download_error(
    operation: str, data_field: str, run_id: Any, url: str, reason: str, status: int | None
) -> ObjectStoreError:
    where = f"the {data_field} of run {run_id}" if isinstance(run_id, str) else f"the {data_field}"
    return ObjectStoreError(
        f"{operation}: could not download {where} from object storage ({reason}; {url_for_messages(url)}). "
        "A presigned URL is valid for 300 s: read the run again for a fresh one, or pass "
        "request_options={'download_offloaded': False} to fetch it yourself.",
        status=status,
        operation=operation,
        field=data_field,
    )


def upload_error(
    operation: str, payload: LargePayload, url: str, reason: str, status: int | None
) -> ObjectStoreError:
    return ObjectStoreError(
        f"{operation}: could not upload {payload.describe()} to object storage ({reason}; {url_for_messages(url)}).",
        status=status,
        operation=operation,
        field="payload",
    )


def no_upload_url_error(
    operation: str, payload: LargePayload, reason: str, status: int | None
) -> ObjectStoreError:
    return ObjectStoreError(
        f"{operation}: the request carrying {payload.describe()} would be {_size(payload.inline_size)}, "
        f"over the {_size(INLINE_LIMIT)} the server takes inline, so the payload must go through "
        f"object storage, but the server gave no upload URL ({reason}). A self-hosted server "
        "needs an object store configured for payloads this large.",
        status=status,
        operation=operation,
        field="payload",
    )


def _already_stored(container: Mapping[str, Any]) -> bool:
    options = container.get("options")
    return isinstance(options, Mapping) and options.get("payloadType") == STORE_TYPE


def _filename(task: str) -> str:
    # A storage key only: unique, and safe as URL path segments whatever the task id holds.
    name = _UNSAFE_NAME.sub("_", task) or "task"
    if name in (".", ".."):
        name = "_"
    return f"trigger/{name}/{int(time.time() * 1000)}-{secrets.token_hex(6)}/payload.json"


def _size(count: int) -> str:
    if count >= 1024 * 1024:
        return f"{count / (1024 * 1024):.1f} MiB"
    return f"{count / 1024:.0f} KiB"

# Copied by codegen.py from templates/runtime/_payloads/transfers.py (sha256 7a4e90ca8d157baf); edit that file, not this one.
"""The transfers to and from object storage, each written once as a step generator (see
`_http.steps`) that the sync and the async client both carry out: uploading a large
payload before its call, downloading a payload or output the server kept in storage, and
decoding the packets of a response.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, Any, NamedTuple

from .. import _json
from .._exceptions import ApiError, NotFoundError, SchemaError
from .._http.messages import USER_AGENT, Outgoing, Received
from .._http.raw_response import UNPARSED
from .._http.steps import Request, Send, Steps
from .._logging import logger
from .._wire.credentials import SecretHeaders
from .packets import (
    INLINE_LIMIT,
    STORE_TYPE,
    LargePayload,
    decode_packet,
    decode_packet_text,
    download_error,
    no_upload_url_error,
    store_reference,
    transfer_failure,
    upload_error,
)

if TYPE_CHECKING:
    from .._base_client import Call
    from .._http.options import RequestOptions, ResolvedOptions

__all__ = [
    "decoded_packets",
    "download_steps",
    "object_store_request",
    "offload_steps",
    "stored_packet",
    "stored_packet_steps",
]


class Upload(NamedTuple):
    """Where a large payload goes: the presigned URL, and what to send in its place."""

    url: str
    storage_path: str


def offload_steps(call: Call, payload: LargePayload) -> Steps[None]:
    """Upload a large payload and put its storage path in its place."""
    from .. import _operations as operations  # on first use: the tables load every model

    args = {"filename": payload.filename}
    try:
        try:
            answer = (yield Request(operations.PACKETS_PRESIGN_UPLOAD, args, call.request_options)).parse()
        except NotFoundError:  # a server before 4.4.4
            answer = (yield Request(operations.PACKETS_PRESIGN_UPLOAD_V1, args, call.request_options)).parse()
    except ApiError as error:
        if error.status is None:
            raise
        _without_upload(call, payload, error)
        return
    # The v1 route (servers before 4.4.4) gives no storage path: the filename is the path.
    target = Upload(answer.presigned_url, answer.storage_path or payload.filename)
    try:
        yield Send(object_store_request(call.operation.name, call.options, "PUT", target.url, payload.data))
    except ApiError as error:
        raise upload_error(
            call.operation.name, payload, target.url, transfer_failure(error), error.status
        ) from None
    store_reference(payload, target.storage_path)
    call.request.encoded = None


def download_steps(call: Call, document: Any, data_field: str, url: str) -> Steps[Any]:
    """Download a value the answer names by a presigned URL (``x-sdk-resolves``)."""
    try:
        received = yield Send(object_store_request(call.operation.name, call.options, "GET", url))
    except ApiError as error:
        reason = transfer_failure(error)
        raise download_error(
            call.operation.name, data_field, document.get("id"), url, reason, error.status
        ) from None
    return stored_packet(call.operation.name, data_field, document.get("id"), url, received)


def stored_packet_steps(
    name: str,
    path: str,
    options: ResolvedOptions,
    *,
    data_field: str,
    run_id: str,
    request_options: RequestOptions | None,
) -> Steps[Any]:
    """A payload or output kept in object storage, by its storage path (what realtime rows
    carry): ask the API for a download URL, then download and decode it."""
    from .. import _operations as operations

    answer = (yield Request(operations.PACKETS_PRESIGN_DOWNLOAD, {"filename": path}, request_options)).parse()
    url = answer.presigned_url
    try:
        received = yield Send(object_store_request(name, options, "GET", url))
    except ApiError as error:
        raise download_error(name, data_field, run_id, url, transfer_failure(error), error.status) from None
    return stored_packet(name, data_field, run_id, url, received)


def decoded_packets(call: Call, received: Received, document: Any) -> tuple[Any, list[tuple[str, str]]]:
    """The body with its encoded fields (``x-sdk-packet``) decoded, and the fields kept in
    object storage still to download: ``(data field, storage path)``. ``document`` is
    the body already decoded, or ``UNPARSED`` to decode it here."""
    if document is UNPARSED:
        try:
            document = _json.loads(received.content)
        except ValueError:
            return UNPARSED, []  # parse() reports the body
    if not isinstance(document, dict):
        return document, []
    stored = []
    for data_field, type_field in call.operation.packets:
        value, kind = document.get(data_field), document.get(type_field)
        if not isinstance(value, str):
            continue  # absent, null, or already a JSON value
        if kind == STORE_TYPE:
            if call.options.download_offloaded:
                stored.append((data_field, value))
            continue
        if not isinstance(kind, str) or not kind:
            # No encoding named: JSON when it reads as JSON (the server's default type),
            # else the text as it came.
            with contextlib.suppress(ValueError):
                document[data_field] = _json.loads(value)
            continue
        try:
            document[data_field] = decode_packet_text(kind, value)
        except ValueError as exc:
            raise SchemaError(f"is not valid {kind}: {exc}", [data_field]) from None
    return document, stored


def object_store_request(
    name: str, options: ResolvedOptions, method: str, url: str, body: bytes | None = None
) -> Outgoing:
    """A transfer to or from a presigned URL: no credential, no API headers (the URL is
    signed, and the key must never reach the object store)."""
    headers = SecretHeaders({"User-Agent": USER_AGENT, "Accept-Encoding": "gzip"})
    if body is not None:
        headers["Content-Type"] = "application/json"
    return Outgoing(f"{name} (object storage)", method, url, headers, body, options)


def stored_packet(name: str, data_field: str, run_id: str, url: str, received: Received) -> Any:
    """The value downloaded from object storage, read by the content type it came with."""
    try:
        return decode_packet(received.headers.get("content-type"), received.content)
    except ValueError as exc:
        reason = f"what it holds is not valid for its content type: {exc}"
        raise download_error(name, data_field, run_id, url, reason, received.status) from None


def _without_upload(call: Call, payload: LargePayload, error: ApiError) -> None:
    """The server gave no upload URL: send inline when the server takes it so, else raise."""
    reason = str(error)
    if payload.inline_size > INLINE_LIMIT:
        raise no_upload_url_error(call.operation.name, payload, reason, error.status) from None
    logger.info(
        "%s: no upload URL for %s (%s); sending it inline",
        call.operation.name,
        payload.describe(),
        reason,
    )

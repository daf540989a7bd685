# Copied by codegen.py from templates/runtime/_base_client.py (sha256 d9abe752c2b476d3); edit that file, not this one.
"""The client core. `BaseAPIClient` turns one SDK call into a request and decides, after
each attempt, whether to retry and how long to wait; `SyncAPIClient` adds the blocking I/O
loop (the asyncio one is `_async_base_client.AsyncAPIClient`). Resource namespaces call
`request`; nothing else sends."""

from __future__ import annotations

import contextlib
import logging
import time
import uuid
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple, TypeVar

import urllib3

from ._exceptions import (
    ApiConnectionError,
    ApiError,
    ClientClosedError,
    InvalidArgumentError,
    NotFoundError,
    RateLimitError,
    SchemaError,
    error_from_response,
)
from ._http.messages import Outgoing, Received
from ._http.options import RequestOptions, ResolvedOptions
from ._http.raw_response import UNPARSED, RawResponse
from ._http.retry import MAX_SERVER_REQUESTED_WAIT, requested_wait
from ._http.transport import OpenResponse, Transport
from ._logging import logger
from ._pagination import CursorPage, OffsetPage, Page
from ._payloads.packets import (
    INLINE_LIMIT,
    STORE_TYPE,
    LargePayload,
    decode_packet,
    decode_packet_text,
    download_error,
    large_payloads,
    no_upload_url_error,
    offloaded_fields,
    store_reference,
    transfer_failure,
    upload_error,
)
from ._spec import API_VERSION, DEFAULT_BASE_URL
from ._version import __version__
from ._wire import json_decoding as _json
from ._wire.credentials import Credential, SecretHeaders
from ._wire.operation import (
    Operation,
    PreparedRequest,
    check_size,
    empty_result,
    prepare_request,
    select_route,
)

__all__ = [
    "API_VERSION",
    "DEFAULT_BASE_URL",
    "BaseAPIClient",
    "Call",
    "Outgoing",
    "SyncAPIClient",
    "object_store_request",
    "stored_packet",
]

T = TypeVar("T")

USER_AGENT = f"trigger-dev-python/{__version__}"


class Call(NamedTuple):
    """One SDK call, checked and prepared but not yet sent."""

    operation: Operation[Any]
    args: Mapping[str, Any]
    request_options: RequestOptions | None
    request: PreparedRequest
    options: ResolvedOptions


class Upload(NamedTuple):
    """Where a large payload goes: the presigned URL, and what to send in its place."""

    url: str
    storage_path: str


class BaseAPIClient:
    def __init__(self, *, credential: Credential | None, base_url: str, options: ResolvedOptions) -> None:
        if not base_url.startswith(("http://", "https://")):
            raise InvalidArgumentError(f"base_url must start with http:// or https://, got {base_url!r}")
        self.credential = credential
        self.base_url = base_url.rstrip("/")
        # The environment's public-token claims, fetched once when a token is first minted.
        self.token_claims: dict[str, Any] | None = None
        # Until when (time.monotonic()) the API asked this client to hold off: a 429 on one
        # call holds back every call of the client, rather than each finding out by itself.
        self.rate_limited_until = 0.0
        self.options = options
        # Set by close(): a closed client refuses calls instead of quietly opening new
        # connections (urllib3 and aiohttp would both reconnect).
        self.closed = False
        self._fixed_headers = {
            "Accept-Encoding": "gzip",
            "User-Agent": USER_AGENT,
            "x-trigger-api-version": API_VERSION,
        }

    def _prepare(
        self, operation: Operation[Any], args: Mapping[str, Any], request_options: RequestOptions | None
    ) -> Call:
        """Check the call and build its request; raises before anything is sent."""
        if self.closed:
            raise ClientClosedError(
                f"{operation.name}: this client was closed (by close() or at the end of its "
                "'with' block), so nothing was sent; make a new client, or call "
                "trigger_dev.configure() again for the module-level calls"
            )
        route = select_route(operation, self.credential, args)
        options = self.options.merged(request_options)
        prepared = prepare_request(operation, route, args, options.extra_query, options.extra_body)
        return Call(operation, args, request_options, prepared, options)

    def check(
        self, operation: Operation[Any], args: Mapping[str, Any], request_options: RequestOptions | None
    ) -> None:
        """Raise for arguments the call would refuse, without sending anything."""
        check_size(self._prepare(operation, args, request_options).request)

    def _outgoing(self, call: Call) -> Outgoing:
        prepared = call.request
        check_size(prepared)
        route = prepared.route
        headers = SecretHeaders(self._fixed_headers)
        headers.update(route.headers)
        headers.update(call.options.extra_headers)
        if route.credentials and self.credential is not None:
            headers["Authorization"] = self.credential.authorization
        if prepared.content_type is not None:
            headers["Content-Type"] = prepared.content_type
        if route.method != "GET":
            # One key for every attempt of this call, so the server can tell a retry of a
            # trigger from a new one. Reads have nothing to de-duplicate.
            headers["x-trigger-request-idempotency-key"] = str(uuid.uuid4())
        url = self.base_url + prepared.path
        return Outgoing(call.operation.name, route.method, url, headers, prepared.body(), call.options, route)

    def _object_store_request(self, call: Call, method: str, url: str, body: bytes | None = None) -> Outgoing:
        return object_store_request(call.operation.name, call.options, method, url, body)

    @staticmethod
    def _upload_target(answer: Any, payload: LargePayload) -> Upload:
        # Servers before 4.5 give no storage path: the filename is the path.
        return Upload(answer.presigned_url, answer.storage_path or payload.filename)

    @staticmethod
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

    def _completed(self, call: Call, received: Received) -> tuple[Any, list[tuple[str, str]]]:
        """The body to parse in place of the one received, when the client completes it (else
        ``UNPARSED``), and the presigned URLs in it to download into it.

        A success without a body, for an operation whose spec says what that means (a 204
        from a delete), becomes that result; fields the spec reads from headers are added."""
        if not received.content and call.operation.when_empty is not None:
            return empty_result(call.operation, call.request), []
        if call.operation.header_fields:
            return self._with_header_fields(call, received), []
        if not call.operation.resolves or not call.options.download_offloaded:
            return UNPARSED, []
        if b"PresignedUrl" not in received.content:  # a scan of the bytes: no JSON decode
            return UNPARSED, []
        try:
            document = _json.loads(received.content)
        except ValueError:
            return UNPARSED, []  # parse() reports the body
        return document, offloaded_fields(call.operation.resolves, document)

    @staticmethod
    def _decoded_packets(call: Call, received: Received, document: Any) -> tuple[Any, list[tuple[str, str]]]:
        """The body with its encoded fields (``x-sdk-packet``) decoded, and the fields kept in
        object storage still to download: ``(data field, storage path)``."""
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

    def _with_header_fields(self, call: Call, received: Received) -> Any:
        try:
            document = _json.loads(received.content)
        except ValueError:
            return UNPARSED  # parse() reports the body
        if not isinstance(document, dict):
            return UNPARSED
        for name, header, scope, expiration in call.operation.header_fields:
            value = received.headers.get(header)
            if not value and scope is not None:
                value = self._signed_instead(received, scope.format(id=document.get("id", "")), expiration)
            if value:
                document[name] = value
        return document

    def _signed_instead(self, received: Received, scope: str, expiration: str) -> str | None:
        """The public access token the official SDK signs itself when the server sent none:
        the server's claims header plus one scope, valid for ``expiration``."""
        claims_text = received.headers.get("x-trigger-jwt-claims")
        if not claims_text or self.credential is None or not self.credential.signs_tokens:
            return None
        try:
            claims = _json.loads(claims_text)
        except ValueError:
            return None
        if not isinstance(claims, dict):
            return None
        return self.credential.sign({**claims, "scopes": [scope]}, expiration=expiration)

    @staticmethod
    def _downloaded(call: Call, document: Any, data_field: str, url: str, received: Received) -> Any:
        return stored_packet(call.operation.name, data_field, document.get("id"), url, received)

    def _held_back(self, outgoing: Outgoing) -> float:
        """Seconds this request waits before it is sent, because a 429 on this client asked
        for a pause that has not passed yet (object-store transfers are not held back)."""
        if outgoing.route is None:
            return 0.0
        return max(0.0, self.rate_limited_until - time.monotonic())

    def _wait_after_failure(self, outgoing: Outgoing, attempt: int, error: ApiConnectionError) -> float:
        """Seconds to wait before retrying after no response arrived; re-raises when done."""
        policy = outgoing.options.retry
        if not policy.can_retry(attempt):
            raise self._gave_up(outgoing, attempt, error)
        wait = policy.backoff(attempt)
        _log_retry(outgoing, attempt, type(error).__name__, wait)
        return wait

    def _gave_up(self, outgoing: Outgoing, attempts: int, error: ApiConnectionError) -> ApiConnectionError:
        """The error of the last attempt, with the call, where it went, and what to check."""
        tries = "1 attempt" if attempts == 1 else f"{attempts} attempts"
        if outgoing.route is None:  # a presigned object-store URL, never the API's address
            where = f"the object store at {_origin_of(outgoing.url)}"
            hint = "the server hands out these addresses: check its object store settings"
        else:
            where = self.base_url
            hint = (
                "check base_url (or the TRIGGER_API_URL environment variable), that the server "
                "is running, and any proxy settings"
            )
        error.message = f"{error.message.rstrip('.')} ({where}, {tries}); {hint}"
        error.args = (error.message,)
        error.operation = outgoing.name
        error.attempts = attempts
        return error

    def _wait_after_response(
        self, outgoing: Outgoing, attempt: int, received: Received, started: float
    ) -> float | None:
        """None for a success; else seconds to wait before retrying, or the error to raise."""
        status = received.status
        self._log_answer(outgoing, status, started, f"attempt {attempt}")
        if 200 <= status < 300:
            return None
        route = outgoing.route
        if route is not None and status in route.final_statuses:
            raise _error(received, outgoing)
        wait = outgoing.options.retry.wait_after_status(status, received.headers, attempt)
        if status == 429 and route is not None:
            asked = requested_wait(received.headers)
            if asked is not None and asked <= MAX_SERVER_REQUESTED_WAIT:
                self.rate_limited_until = max(self.rate_limited_until, time.monotonic() + asked)
        if wait is None or wait > MAX_SERVER_REQUESTED_WAIT:
            raise _error(received, outgoing)
        _log_retry(outgoing, attempt, f"status {status}", wait)
        return wait

    @staticmethod
    def _log_answer(outgoing: Outgoing, status: int, started: float, note: str) -> None:
        if logger.isEnabledFor(logging.DEBUG):
            elapsed_ms = (time.monotonic() - started) * 1000
            logger.debug(
                "%s %s -> %d in %.0f ms (%s)",
                outgoing.method,
                _path_of(outgoing.url),
                status,
                elapsed_ms,
                note,
            )

    @staticmethod
    def _opened(outgoing: Outgoing, received: Received, started: float) -> None:
        """Log a response whose body is read as it arrives; an error status raises (one
        attempt: the caller decides about reconnecting)."""
        BaseAPIClient._log_answer(outgoing, received.status, started, "reading as it arrives")
        if not 200 <= received.status < 300:
            raise _error(received, outgoing)

    @staticmethod
    def _raw_response(
        operation: Operation[Any], received: Received, parser: Callable[[Any], T], document: Any = UNPARSED
    ) -> RawResponse[T]:
        return RawResponse(
            status_code=received.status,
            headers=received.headers,
            content=received.content,
            parser=parser,
            operation=operation.name,
            document=document,
        )


class SyncAPIClient(BaseAPIClient):
    def __init__(
        self,
        *,
        credential: Credential | None,
        base_url: str,
        options: ResolvedOptions,
        pool_manager: urllib3.PoolManager | None,
        ca_bundle: str | None,
        trust_env: bool = True,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        super().__init__(credential=credential, base_url=base_url, options=options)
        self._transport = Transport(pool_manager, ca_bundle=ca_bundle, trust_env=trust_env)
        self._sleep = sleep

    def request(
        self,
        operation: Operation[T],
        args: Mapping[str, Any],
        request_options: RequestOptions | None = None,
    ) -> RawResponse[T]:
        """Send one SDK call (retrying as configured) and return its raw response."""
        call = self._prepare(operation, args, request_options)
        for payload in large_payloads(call.request):
            self._offload(call, payload)
        received = self._send(self._outgoing(call))
        document, pending = self._completed(call, received)
        for data_field, url in pending:
            document[data_field] = self._download(call, document, data_field, url)
        if operation.packets and 200 <= received.status < 300:
            document, stored = self._decoded_packets(call, received, document)
            for data_field, path in stored:
                document[data_field] = self.read_stored_packet(
                    operation.name,
                    path,
                    data_field=data_field,
                    run_id=document.get("id"),
                    request_options=request_options,
                )
        return self._raw_response(
            operation, received, self._parser(operation, args, request_options), document
        )

    def open_stream(
        self, operation: Operation[Any], args: Mapping[str, Any], request_options: RequestOptions | None
    ) -> OpenResponse:
        """Send one request (one attempt) and return its body unread, for reading as it
        arrives; an error status raises as `request` would."""
        outgoing = self._outgoing(self._prepare(operation, args, request_options))
        started = time.monotonic()
        response = self._transport.open(outgoing)
        error_body = b"" if 200 <= response.status < 300 else response.read_all()
        self._opened(outgoing, Received(response.status, response.headers, error_body), started)
        return response

    def pause(self, seconds: float) -> None:
        """Wait between two calls of one operation (polling, reconnecting)."""
        self._sleep(seconds)

    def _send(self, outgoing: Outgoing) -> Received:
        """Send one request until it succeeds or the retry policy gives up (then raises)."""
        attempt = 1
        while True:
            held = self._held_back(outgoing) if attempt == 1 else 0.0  # a retry has waited already
            if held:
                self._sleep(held)
            started = time.monotonic()
            try:
                received = self._transport.send(outgoing)
            except ApiConnectionError as error:
                wait = self._wait_after_failure(outgoing, attempt, error)
            else:
                response_wait = self._wait_after_response(outgoing, attempt, received, started)
                if response_wait is None:
                    return received
                wait = response_wait
            self._sleep(wait)
            attempt += 1

    def _offload(self, call: Call, payload: LargePayload) -> None:
        """Upload a large payload and put its storage path in its place."""
        from . import _operations as operations

        args = {"filename": payload.filename}
        try:
            try:
                answer = self.request(operations.PACKETS_PRESIGN_UPLOAD, args, call.request_options).parse()
            except NotFoundError:  # a server before 4.5
                answer = self.request(
                    operations.PACKETS_PRESIGN_UPLOAD_V1, args, call.request_options
                ).parse()
        except ApiError as error:
            if error.status is None:
                raise
            self._without_upload(call, payload, error)
            return
        target = self._upload_target(answer, payload)
        try:
            self._send(self._object_store_request(call, "PUT", target.url, payload.data))
        except ApiError as error:
            raise upload_error(
                call.operation.name, payload, target.url, transfer_failure(error), error.status
            ) from None
        store_reference(payload, target.storage_path)
        call.request.encoded = None

    def read_stored_packet(
        self, name: str, path: str, *, data_field: str, run_id: str, request_options: RequestOptions | None
    ) -> Any:
        """A payload or output kept in object storage, by its storage path (what realtime
        rows carry): ask the API for a download URL, then download and decode it."""
        from . import _operations as operations

        answer = self.request(
            operations.PACKETS_PRESIGN_DOWNLOAD, {"filename": path}, request_options
        ).parse()
        url = answer.presigned_url
        try:
            received = self._send(
                object_store_request(name, self.options.merged(request_options), "GET", url)
            )
        except ApiError as error:
            raise download_error(
                name, data_field, run_id, url, transfer_failure(error), error.status
            ) from None
        return stored_packet(name, data_field, run_id, url, received)

    def _download(self, call: Call, document: Any, data_field: str, url: str) -> Any:
        try:
            received = self._send(self._object_store_request(call, "GET", url))
        except ApiError as error:
            reason = transfer_failure(error)
            raise download_error(
                call.operation.name, data_field, document.get("id"), url, reason, error.status
            ) from None
        return self._downloaded(call, document, data_field, url, received)

    def _parser(
        self, operation: Operation[T], args: Mapping[str, Any], request_options: RequestOptions | None
    ) -> Callable[[Any], T]:
        if operation.pagination is None:
            return operation.parse
        page_class: type[Page[Any]] = CursorPage if operation.pagination == "cursor" else OffsetPage

        def fetch(page_args: Mapping[str, Any]) -> Any:
            return self.request(operation, page_args, request_options).parse()

        def parse(body: Any) -> Any:
            return page_class(operation.parse(body), args=args, fetch=fetch)

        return parse

    def close(self) -> None:
        self.closed = True
        self._transport.close()


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


def _error(received: Received, outgoing: Outgoing) -> ApiError:
    route = outgoing.route
    error = error_from_response(
        received.status, received.headers, received.content.decode("utf-8", "replace")
    )
    error.operation = outgoing.name
    if isinstance(error, RateLimitError):
        error.retry_after_seconds = requested_wait(received.headers)
    if isinstance(error, NotFoundError) and route is not None and route.since is not None:
        # A server older than the route answers 404 for the route itself; say so, since
        # the message alone ("Not found") reads like a missing resource.
        message = (
            f"{error.message} ({route.described} is served from Trigger.dev "
            f"{route.since}; an older server answers 404 for the route itself)"
        )
        error = NotFoundError(message, status=error.status, headers=error.headers, body=error.body)
        error.operation = outgoing.name
    return error


def _log_retry(outgoing: Outgoing, attempt: int, reason: str, wait: float) -> None:
    policy = outgoing.options.retry
    logger.info(
        "%s: attempt %d of %d failed (%s); retrying in %.3f s",
        outgoing.name,
        attempt,
        policy.max_attempts,
        reason,
        wait,
    )


def _origin_of(url: str) -> str:
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{rest.split('/', 1)[0].split('?', 1)[0]}"


def _path_of(url: str) -> str:
    # Logged without the host and query: a query can hold user data.
    path = url.split("://", 1)[-1]
    path = path[path.find("/") :] if "/" in path else "/"
    return path.split("?", 1)[0]

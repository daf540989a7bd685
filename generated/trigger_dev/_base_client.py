# Copied by codegen.py from templates/runtime/_base_client.py (sha256 752fec181b8815cb); edit that file, not this one.
"""The call pipeline. `BaseAPIClient` turns one SDK call into a request and decides, after
each attempt, whether to retry and how long to wait; `SyncAPIClient` adds the blocking I/O
loop (the asyncio one is `_async_base_client.AsyncAPIClient`). Resource namespaces call
`request`; nothing else sends.

What happens around a call lives with its feature and is only invoked here: uploads and
downloads of large payloads in `_payloads.transfers`, tokens read from response headers in
`_tokens.from_headers`, OpenTelemetry spans and trace context in `_tracing.spans` (imported
only when the application uses OpenTelemetry). Cores written once as steps (`_http.steps`)
are carried out by `run`, the client's driver.

May import: `_payloads`, `_tokens`, `_tracing`, `_http`, `_wire`, `_pagination`,
`_exceptions`, `_logging` and the generated `_spec`; never a feature above it (`_realtime`, `_bulk`) or
the generated clients and namespaces."""

from __future__ import annotations

import logging
import sys
import time
import uuid
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple, TypeVar

import urllib3

from . import _json
from ._exceptions import (
    ApiConnectionError,
    ApiError,
    ClientClosedError,
    InvalidArgumentError,
    NotFoundError,
    RateLimitError,
    error_from_response,
)
from ._http.messages import USER_AGENT, Outgoing, Received, url_for_messages
from ._http.options import RequestOptions, ResolvedOptions
from ._http.raw_response import UNPARSED, RawResponse
from ._http.retry import MAX_SERVER_REQUESTED_WAIT, requested_wait
from ._http.steps import Request, Send, Steps
from ._http.transport import OpenResponse, Transport
from ._logging import logger
from ._pagination import CursorPage, OffsetPage, Page
from ._payloads.packets import large_payloads, offloaded_fields
from ._payloads.transfers import decoded_packets, download_steps, offload_steps, stored_packet_steps
from ._spec import API_VERSION, DEFAULT_BASE_URL
from ._tokens.from_headers import with_header_fields
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
]

T = TypeVar("T")


class Call(NamedTuple):
    """One SDK call, checked and prepared but not yet sent."""

    operation: Operation[Any]
    args: Mapping[str, Any]
    request_options: RequestOptions | None
    request: PreparedRequest
    options: ResolvedOptions


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
        at_most_once = route.at_most_once and (
            route.resend_safe_with is None or call.args.get(route.resend_safe_with) is None
        )
        return Outgoing(
            call.operation.name,
            route.method,
            url,
            headers,
            prepared.body(),
            call.options,
            route,
            at_most_once,
        )

    def _completed(self, call: Call, received: Received) -> tuple[Any, list[tuple[str, str]]]:
        """The body to parse in place of the one received, when the client completes it (else
        ``UNPARSED``), and the presigned URLs in it to download into it.

        A success without a body, for an operation whose spec says what that means (a 204
        from a delete), becomes that result; fields the spec reads from headers are added."""
        if not received.content and call.operation.when_empty is not None:
            return empty_result(call.operation, call.request), []
        if call.operation.header_fields:
            return with_header_fields(self.credential, call.operation, received), []
        if not call.operation.resolves or not call.options.download_offloaded:
            return UNPARSED, []
        if b"PresignedUrl" not in received.content:  # a scan of the bytes: no JSON decode
            return UNPARSED, []
        try:
            document = _json.loads(received.content)
        except ValueError:
            return UNPARSED, []  # parse() reports the body
        return document, offloaded_fields(call.operation.resolves, document)

    def _held_back(self, outgoing: Outgoing) -> float:
        """Seconds this request waits before it is sent, because a 429 on this client asked
        for a pause that has not passed yet (object-store transfers are not held back)."""
        if outgoing.route is None:
            return 0.0
        wait = max(0.0, self.rate_limited_until - time.monotonic())
        if wait and outgoing.trace is not None:
            outgoing.trace.held_back(wait)
        return wait

    # OpenTelemetry: the sync and async `_send` and `open_stream` call these two. Without
    # OpenTelemetry imported by the application, a request pays one dictionary lookup
    # (`_OPENTELEMETRY in sys.modules`, checked by the caller) and nothing is imported.
    @staticmethod
    def _traced(outgoing: Outgoing) -> Outgoing | None:
        """``outgoing`` with a client span (and, on the routes that keep it, the caller's trace
        context in its headers), or None when it is not traced: tracing is off, it has its
        span already, or no span is active in the caller's context."""
        if outgoing.trace is not None or not outgoing.options.tracing:
            return None
        traced = (_STARTED or _tracing_started())(outgoing)
        return traced if traced.trace is not None else None

    @staticmethod
    def _trace_failed(outgoing: Outgoing, error: BaseException) -> None:
        if outgoing.trace is not None:
            outgoing.trace.failed(error)

    def _wait_after_failure(self, outgoing: Outgoing, attempt: int, error: ApiConnectionError) -> float:
        """Seconds to wait before retrying after no response arrived; re-raises when done."""
        policy = outgoing.options.retry
        if not policy.can_retry(attempt):
            raise self._gave_up(outgoing, attempt, error)
        if outgoing.at_most_once and error.may_have_arrived:
            raise _not_resent(outgoing, attempt, error)
        wait = policy.backoff(attempt)
        _log_retry(outgoing, attempt, type(error).__name__, wait)
        return wait

    def _gave_up(self, outgoing: Outgoing, attempts: int, error: ApiConnectionError) -> ApiConnectionError:
        """The error of the last attempt, with the call, where it went, and what to check."""
        tries = "1 attempt" if attempts == 1 else f"{attempts} attempts"
        if outgoing.route is None:  # a presigned object-store URL, never the API's address
            where = f"the object store at {url_for_messages(outgoing.url)}"
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
            if outgoing.trace is not None:
                outgoing.trace.succeeded(received)
            return None
        route = outgoing.route
        if route is not None and status in route.final_statuses:
            raise _error(received, outgoing)
        if outgoing.at_most_once and status != 429:
            # Only the rate limiter, which answers before the route runs, says for sure that
            # nothing was done; any other failure may come after the data was taken.
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
        if outgoing.trace is not None:
            outgoing.trace.succeeded(received)

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
            self.run(offload_steps(call, payload))
        received = self._send(self._outgoing(call))
        document, pending = self._completed(call, received)
        for data_field, url in pending:
            document[data_field] = self.run(download_steps(call, document, data_field, url))
        if operation.packets and 200 <= received.status < 300:
            document, stored = decoded_packets(call, received, document)
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
        if _OPENTELEMETRY in sys.modules:
            outgoing = self._traced(outgoing) or outgoing
        started = time.monotonic()
        try:
            response = self._transport.open(outgoing)
            error_body = b"" if 200 <= response.status < 300 else response.read_all()
            self._opened(outgoing, Received(response.status, response.headers, error_body), started)
        except BaseException as error:
            self._trace_failed(outgoing, error)
            raise
        return response

    def pause(self, seconds: float) -> None:
        """Wait between two calls of one operation (polling, reconnecting)."""
        self._sleep(seconds)

    def run(self, steps: Steps[T]) -> T:
        """Carry out a core written as steps (`_http.steps`): each step's result, or the
        error it raised, is sent back in; returns what the core returns."""
        answer: Any = None
        failure: Exception | None = None
        while True:
            try:
                step = steps.throw(failure) if failure is not None else steps.send(answer)
            except StopIteration as done:
                return done.value  # type: ignore[no-any-return]
            answer, failure = None, None
            try:
                if isinstance(step, Send):
                    answer = self._send(step.outgoing)
                elif isinstance(step, Request):
                    answer = self.request(step.operation, step.args, step.request_options)
                else:
                    self.pause(step.seconds)
            except (StopIteration, StopAsyncIteration):
                raise  # a generator cannot take these (PEP 479): they end the caller's loop, as before
            except Exception as error:  # handed to the core, which decides
                failure = error

    def read_stored_packet(
        self, name: str, path: str, *, data_field: str, run_id: str, request_options: RequestOptions | None
    ) -> Any:
        """A payload or output kept in object storage, by its storage path (what realtime
        rows carry), downloaded and decoded."""
        options = self.options.merged(request_options)
        return self.run(
            stored_packet_steps(
                name, path, options, data_field=data_field, run_id=run_id, request_options=request_options
            )
        )

    def _send(self, outgoing: Outgoing) -> Received:
        """Send one request until it succeeds or the retry policy gives up (then raises)."""
        traced = self._traced(outgoing) if _OPENTELEMETRY in sys.modules else None
        if traced is not None:
            try:
                return self._send(traced)
            except BaseException as error:
                self._trace_failed(traced, error)
                raise
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


def _not_resent(outgoing: Outgoing, attempts: int, error: ApiConnectionError) -> ApiConnectionError:
    """The error of an at-most-once request that may have arrived: it is not sent again."""
    tries = "1 attempt" if attempts == 1 else f"{attempts} attempts"
    error.message = (
        f"{error.message.rstrip('.')} ({tries}); the request may have reached the server, which "
        f"cannot tell a resent {outgoing.name} from a new one, so it was not sent again: check "
        "whether it took effect before calling again"
    )
    error.args = (error.message,)
    error.operation = outgoing.name
    error.attempts = attempts
    return error


def _log_retry(outgoing: Outgoing, attempt: int, reason: str, wait: float) -> None:
    if outgoing.trace is not None:
        outgoing.trace.retrying(attempt, reason, wait)
    policy = outgoing.options.retry
    logger.info(
        "%s: attempt %d of %d failed (%s); retrying in %.3f s",
        outgoing.name,
        attempt,
        policy.max_attempts,
        reason,
        wait,
    )


_OPENTELEMETRY = "opentelemetry.trace"  # imported by any application that uses OpenTelemetry
_STARTED: Callable[[Outgoing], Outgoing] | None = None


def _tracing_started() -> Callable[[Outgoing], Outgoing]:
    """`_tracing.spans.started`, imported the first time a call is made with OpenTelemetry in use."""
    global _STARTED
    from ._tracing.spans import started

    _STARTED = started
    return started


def _path_of(url: str) -> str:
    # Logged without the host and query: a query can hold user data.
    path = url.split("://", 1)[-1]
    path = path[path.find("/") :] if "/" in path else "/"
    return path.split("?", 1)[0]

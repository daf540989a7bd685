# Runtime source of trigger_dev: codegen.py copies it into generated/trigger_dev/ unchanged.
"""The call pipeline, written once for both clients. `BaseAPIClient` turns one SDK call into
a request and decides everything about it without I/O: `Attempts` decides, after each
attempt, whether to retry and how long to wait; `Transfers` says which object-store
transfers a call still needs and what the answer is once they are done; `Stepper`
(`_http.steps`) advances a core written as steps. `SyncAPIClient` here and
`_async_base_client.AsyncAPIClient` only carry out the I/O: transmit an attempt, sleep,
run transfers (the async one concurrently), hold a connection slot. Resource namespaces
call `request`; nothing else sends.

What happens around a call lives with its feature and is only invoked here: uploads and
downloads of large payloads in `_payloads.transfers`, tokens read from response headers in
`_tokens.from_headers`.

May import: `_payloads`, `_tokens`, `_http`, `_wire`, `_pagination`, `_exceptions`,
`_logging` and the generated `_spec`; never a feature above it (`_realtime`, `_bulk`) or
the generated clients and namespaces."""

from __future__ import annotations

import logging
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
from ._http.steps import Request, Send, Step, Stepper, Steps
from ._http.transport import OpenResponse, Transport
from ._logging import logger
from ._pagination import CursorPage, OffsetPage
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
    def __init__(
        self,
        *,
        credential: Credential | None,
        base_url: str,
        options: ResolvedOptions,
        connections: Any,
        ca_bundle: str | None,
        trust_env: bool = True,
    ) -> None:
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
        self._set_up(connections, ca_bundle=ca_bundle, trust_env=trust_env)

    def _set_up(self, connections: Any, *, ca_bundle: str | None, trust_env: bool) -> None:
        """Make the transport (through ``connections``, the caller's pool, when given) and
        whatever else the client's I/O needs."""
        raise NotImplementedError

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

    @staticmethod
    def _opened(outgoing: Outgoing, response: Any, error_body: bytes, started: float) -> None:
        """Log a response whose body is read as it arrives; an error status raises with
        ``error_body`` (one attempt: the caller decides about reconnecting)."""
        if logger.isEnabledFor(logging.DEBUG):
            _log_answer(outgoing, response.status, started, "reading as it arrives")
        if not 200 <= response.status < 300:
            raise _error(Received(response.status, response.headers, error_body), outgoing)

    def _uploads(self, call: Call) -> Transfers | None:
        """The uploads of the call's large payloads, to carry out before it is sent."""
        payloads = large_payloads(call.request)
        if not payloads:
            return None
        return Transfers([offload_steps(call, payload) for payload in payloads], UPLOADS_IN_FLIGHT, _nothing)

    def _answer(self, call: Call, received: Received) -> RawResponse[Any] | Transfers:
        """The call's response, or the transfers its answer needs first: the values it names
        by presigned URLs, downloaded all at once, then its packets kept in object storage.

        A success without a body, for an operation whose spec says what that means (a 204
        from a delete), becomes that result; fields the spec reads from headers are added."""
        operation = call.operation
        document: Any = UNPARSED  # parse() decodes the body as it came
        if not received.content and operation.when_empty is not None:
            document = empty_result(operation, call.request)
        elif operation.header_fields:
            document = with_header_fields(self.credential, operation, received)
        elif (
            operation.resolves
            and call.options.download_offloaded
            and b"PresignedUrl" in received.content  # a scan of the bytes: no JSON decode
        ):
            try:
                document = _json.loads(received.content)
            except ValueError:
                document = UNPARSED  # parse() reports the body
            else:
                pending = offloaded_fields(operation.resolves, document)
                if pending:
                    return self._downloads(call, received, document, pending)
        return self._with_packets(call, received, document)

    def _downloads(
        self, call: Call, received: Received, document: Any, pending: list[tuple[str, str]]
    ) -> Transfers:
        def downloaded(values: list[Any]) -> RawResponse[Any] | Transfers:
            for (data_field, _), value in zip(pending, values, strict=True):
                document[data_field] = value
            return self._with_packets(call, received, document)

        cores = [download_steps(call, document, data_field, url) for data_field, url in pending]
        return Transfers(cores, None, downloaded)

    def _with_packets(self, call: Call, received: Received, document: Any) -> RawResponse[Any] | Transfers:
        """The response, its packets decoded; or first the reads of those kept in object
        storage, one after another."""
        operation = call.operation
        if operation.packets and 200 <= received.status < 300:
            document, stored = decoded_packets(call, received, document)
            if stored:
                return self._stored_reads(call, received, document, stored)
        parser = self._parser(operation, call.args, call.request_options)
        return self._raw_response(operation, received, parser, document)

    def _stored_reads(
        self, call: Call, received: Received, document: Any, stored: list[tuple[str, str]]
    ) -> Transfers:
        operation = call.operation

        def read(values: list[Any]) -> RawResponse[Any]:
            for (data_field, _), value in zip(stored, values, strict=True):
                document[data_field] = value
            parser = self._parser(operation, call.args, call.request_options)
            return self._raw_response(operation, received, parser, document)

        cores = [
            self._stored_packet_steps(
                operation.name,
                path,
                data_field=data_field,
                run_id=document.get("id"),
                request_options=call.request_options,
            )
            for data_field, path in stored
        ]
        return Transfers(cores, 1, read)

    def _stored_packet_steps(
        self, name: str, path: str, *, data_field: str, run_id: str, request_options: RequestOptions | None
    ) -> Steps[Any]:
        options = self.options.merged(request_options)
        return stored_packet_steps(
            name, path, options, data_field=data_field, run_id=run_id, request_options=request_options
        )

    # The page classes of this client's lists, cursor-based and offset-based.
    _pages: tuple[Callable[..., Any], Callable[..., Any]]

    def _page_fetcher(
        self, operation: Operation[Any], request_options: RequestOptions | None
    ) -> Callable[[Mapping[str, Any]], Any]:
        """How this client's pages fetch the next page of `operation`."""
        raise NotImplementedError

    def _parser(
        self, operation: Operation[T], args: Mapping[str, Any], request_options: RequestOptions | None
    ) -> Callable[[Any], T]:
        if operation.pagination is None:
            return operation.parse
        page_class = self._pages[0] if operation.pagination == "cursor" else self._pages[1]
        fetch = self._page_fetcher(operation, request_options)

        def parse(body: Any) -> Any:
            return page_class(operation.parse(body), args=args, fetch=fetch)

        return parse

    def _stream_outgoing(
        self, operation: Operation[Any], args: Mapping[str, Any], request_options: RequestOptions | None
    ) -> tuple[Outgoing, float]:
        """The request of a response read as it arrives, and when it is sent."""
        outgoing = self._outgoing(self._prepare(operation, args, request_options))
        return outgoing, time.monotonic()

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
    def _set_up(
        self, connections: urllib3.PoolManager | None, *, ca_bundle: str | None, trust_env: bool
    ) -> None:
        self._transport = Transport(connections, ca_bundle=ca_bundle, trust_env=trust_env)
        self._sleep: Callable[[float], None] = time.sleep

    def request(
        self, operation: Operation[T], args: Mapping[str, Any], request_options: RequestOptions | None = None
    ) -> RawResponse[T]:
        """Send one SDK call (retrying as configured) and return its raw response."""
        call = self._prepare(operation, args, request_options)
        if uploads := self._uploads(call):
            self._transfer(uploads)
        answer = self._answer(call, self._send(self._outgoing(call)))
        while isinstance(answer, Transfers):
            answer = self._transfer(answer)
        return answer

    def _transfer(self, transfers: Transfers) -> Any:
        """Carry out the transfers one after another."""
        return transfers.done([self.run(core) for core in transfers.cores])

    def open_stream(
        self, operation: Operation[Any], args: Mapping[str, Any], request_options: RequestOptions | None
    ) -> OpenResponse:
        """Send one request (one attempt) and return its body unread, for reading as it
        arrives; an error status raises as `request` would."""
        outgoing, started = self._stream_outgoing(operation, args, request_options)
        response = self._transport.open(outgoing)
        error_body = b"" if 200 <= response.status < 300 else response.read_all()
        self._opened(outgoing, response, error_body, started)
        return response

    def pause(self, seconds: float) -> None:
        """Wait between two calls of one operation (polling, reconnecting)."""
        self._sleep(seconds)

    def run(self, steps: Steps[T]) -> T:
        """Carry out a core written as steps (`_http.steps`): each step's result, or the
        error it raised, is sent back in; returns what the core returns."""
        core = Stepper(steps)
        while core.advance():
            try:
                core.answer = self._carry_out(core.step)
            except Exception as error:  # handed to the core, which decides
                core.failed(error)
        return core.result  # type: ignore[no-any-return]

    def _carry_out(self, step: Step) -> Any:
        if isinstance(step, Send):
            return self._send(step.outgoing)
        if isinstance(step, Request):
            return self.request(step.operation, step.args, step.request_options)
        return self.pause(step.seconds)

    def read_stored_packet(
        self, name: str, path: str, *, data_field: str, run_id: str, request_options: RequestOptions | None
    ) -> Any:
        """A payload or output kept in object storage, by its storage path (what realtime
        rows carry), downloaded and decoded."""
        steps = self._stored_packet_steps(
            name, path, data_field=data_field, run_id=run_id, request_options=request_options
        )
        return self.run(steps)

    def _send(self, outgoing: Outgoing) -> Received:
        """Send one request until it succeeds or the retry policy gives up (then raises):
        `Attempts` decides, this loop transmits and sleeps."""
        attempts = Attempts(self, outgoing)
        held = attempts.held_back()
        if held:
            self._sleep(held)
        while True:
            try:
                wait = attempts.answered(self._transport.send(attempts.start()))
            except ApiConnectionError as error:
                wait = attempts.failed(error)
            if wait is None:
                return attempts.received
            self._sleep(wait)

    _pages = (CursorPage, OffsetPage)

    def _page_fetcher(
        self, operation: Operation[Any], request_options: RequestOptions | None
    ) -> Callable[[Mapping[str, Any]], Any]:
        def fetch(page_args: Mapping[str, Any]) -> Any:
            return self.request(operation, page_args, request_options).parse()

        return fetch

    def close(self) -> None:
        self.closed = True
        self._transport.close()


class Attempts:
    """The attempts of one request, decided without I/O; the clients' `_send` loops carry
    them out. Before the first attempt a loop waits `held_back()` seconds; it transmits
    what `start()` returns, then reports the answer to `answered` or the connection
    failure to `failed`: each returns the seconds to wait before the next attempt, or
    raises the error to give up with; None from `answered` means `received` is the
    request's answer. (`answered` raises errors for a status, never `ApiConnectionError`.)"""

    __slots__ = ("_client", "_outgoing", "_attempt", "_started", "received")
    received: Received

    def __init__(self, client: BaseAPIClient, outgoing: Outgoing) -> None:
        self._client = client
        self._outgoing = outgoing
        self._attempt = 0

    def held_back(self) -> float:
        """Seconds to wait before the first attempt, because a 429 on this client asked for
        a pause that has not passed yet (object-store transfers are not held back); none
        before a retry, which has waited already."""
        if self._attempt or self._outgoing.route is None:
            return 0.0
        return max(0.0, self._client.rate_limited_until - time.monotonic())

    def start(self) -> Outgoing:
        """An attempt begins: the request to transmit."""
        self._attempt += 1
        self._started = time.monotonic()
        return self._outgoing

    def failed(self, error: ApiConnectionError) -> float:
        """Seconds to wait before retrying after no response arrived; raises when done."""
        outgoing, attempt = self._outgoing, self._attempt
        policy = outgoing.options.retry
        if not policy.can_retry(attempt):
            raise self._gave_up(error)
        if outgoing.at_most_once and error.may_have_arrived:
            raise _not_resent(outgoing, attempt, error)
        wait = policy.backoff(attempt)
        _log_retry(outgoing, attempt, type(error).__name__, wait)
        return wait

    def answered(self, received: Received) -> float | None:
        """None for a success; else seconds to wait before retrying, or the error to raise."""
        outgoing, attempt, status = self._outgoing, self._attempt, received.status
        if logger.isEnabledFor(logging.DEBUG):
            _log_answer(outgoing, status, self._started, f"attempt {attempt}")
        if 200 <= status < 300:
            self.received = received
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
                client = self._client
                client.rate_limited_until = max(client.rate_limited_until, time.monotonic() + asked)
        if wait is None or wait > MAX_SERVER_REQUESTED_WAIT:
            raise _error(received, outgoing)
        _log_retry(outgoing, attempt, f"status {status}", wait)
        return wait

    def _gave_up(self, error: ApiConnectionError) -> ApiConnectionError:
        """The error of the last attempt, with the call, where it went, and what to check."""
        outgoing, attempts = self._outgoing, self._attempt
        tries = "1 attempt" if attempts == 1 else f"{attempts} attempts"
        if outgoing.route is None:  # a presigned object-store URL, never the API's address
            where = f"the object store at {url_for_messages(outgoing.url)}"
            hint = "the server hands out these addresses: check its object store settings"
        else:
            where = self._client.base_url
            hint = (
                "check base_url (or the TRIGGER_API_URL environment variable), that the server "
                "is running, and any proxy settings"
            )
        error.message = f"{error.message.rstrip('.')} ({where}, {tries}); {hint}"
        error.args = (error.message,)
        error.operation = outgoing.name
        error.attempts = attempts
        return error


UPLOADS_IN_FLIGHT = 4
"""Large payloads of one call uploaded at once by the async client."""


class Transfers:
    """Object-store transfers a call needs (each a core written as steps), decided without
    I/O. A client carries out `cores` (the sync one in order; the async one at most
    ``at_once`` together, None for all) and hands their results, in order, to `done`,
    which returns the call's response or the next transfers."""

    __slots__ = ("cores", "at_once", "_then")

    def __init__(
        self, cores: list[Steps[Any]], at_once: int | None, then: Callable[[list[Any]], Any]
    ) -> None:
        self.cores = cores
        self.at_once = at_once
        self._then = then

    def done(self, results: list[Any]) -> Any:
        return self._then(results)


def _nothing(results: list[Any]) -> None:
    return None


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


def _log_answer(outgoing: Outgoing, status: int, started: float, note: str) -> None:
    elapsed_ms = (time.monotonic() - started) * 1000
    logger.debug(
        "%s %s -> %d in %.0f ms (%s)", outgoing.method, _path_of(outgoing.url), status, elapsed_ms, note
    )


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


def _path_of(url: str) -> str:
    # Logged without the host and query: a query can hold user data.
    path = url.split("://", 1)[-1]
    path = path[path.find("/") :] if "/" in path else "/"
    return path.split("?", 1)[0]

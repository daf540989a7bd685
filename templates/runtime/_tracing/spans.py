# Runtime source of trigger_dev: codegen.py copies it into generated/trigger_dev/ unchanged.
"""A client span for one request, from its first attempt to its last, and the trace context
it sends. Imported only once the application has imported ``opentelemetry.trace``.

Attributes follow OpenTelemetry's HTTP client conventions: ``http.request.method``,
``server.address``, ``server.port``, ``url.full`` (never with a query string or user info:
a presigned object-store URL carries its signature there), ``url.template`` (the API route),
``http.response.status_code``, ``error.type`` and ``http.request.resend_count``. The SDK adds
``trigger_dev.call`` (``tasks.trigger``) and, where the call names them, ``trigger_dev.task.id``,
``trigger_dev.run.id`` and ``trigger_dev.batch.id``. Events: ``trigger_dev.retry`` (attempt,
reason, seconds to wait) and ``trigger_dev.rate_limit_wait`` (seconds held back because a 429
asked this client to pause). No header, body or credential is ever recorded.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import unquote, urlsplit

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

from .. import _json
from .._exceptions import ApiError
from .._http.messages import Outgoing, Received
from .._version import __version__
from .._wire.credentials import SecretHeaders

__all__ = ["CallSpan", "started"]

INSTRUMENTATION_NAME = "trigger_dev"
# Path parameters whose values name what a call is about, and the attribute for each.
_ID_ATTRIBUTES = {
    "taskId": "trigger_dev.task.id",
    "runId": "trigger_dev.run.id",
    "batchId": "trigger_dev.batch.id",
}
# The id a trigger or a batch creation answers with, told apart by the server's prefixes.
_ANSWERED_IDS = (("run_", "trigger_dev.run.id"), ("batch_", "trigger_dev.batch.id"))
_LARGEST_ANSWER_READ = 64 * 1024  # a trigger's answer is a few hundred bytes
# Only the W3C headers the server reads: the application's global propagator may add
# baggage, which is not the API's business.
_PROPAGATOR = TraceContextTextMapPropagator()
# Per route template: a pattern matching its paths, and the id attribute of each group.
_PATTERNS: dict[str, tuple[re.Pattern[str], tuple[tuple[str, str], ...]]] = {}
_TRACER: trace.Tracer | None = None
# Looked up once: asking for the current span is what every untraced call pays.
_current_span = trace.get_current_span
_NO_SPAN = trace.INVALID_SPAN


def started(outgoing: Outgoing) -> Outgoing:
    """``outgoing`` with a started `CallSpan`, and with the trace context in its headers on
    a route marked ``x-trace-context``; unchanged when no span is active in the caller's
    context (nothing to continue) or instrumentation is suppressed there."""
    current = _current_span()
    if current is _NO_SPAN or not current.get_span_context().is_valid:
        return outgoing  # the common case in an application that traces only some of its work
    parent = otel_context.get_current()
    if _suppressed(parent):
        return outgoing
    global _TRACER
    if _TRACER is None:
        # A proxy until the application sets its tracer provider, which it then follows.
        _TRACER = trace.get_tracer(INSTRUMENTATION_NAME, __version__)
    route = outgoing.route
    name = outgoing.method if route is None else f"{outgoing.method} {route.path}"
    span = _TRACER.start_span(
        name, context=parent, kind=trace.SpanKind.CLIENT, attributes=_attributes(outgoing)
    )
    headers = outgoing.headers
    if route is not None and route.trace_context:
        present = {header.lower() for header in headers}
        if "traceparent" not in present and "tracestate" not in present:  # the caller's own win
            headers = SecretHeaders(headers)
            _PROPAGATOR.inject(headers, context=trace.set_span_in_context(span, parent))
    return outgoing._replace(headers=headers, trace=CallSpan(span, outgoing))


class CallSpan:
    """The span of one request; ended exactly once, by `succeeded` or `failed`."""

    __slots__ = ("_ended", "_outgoing", "_resends", "span")

    def __init__(self, span: trace.Span, outgoing: Outgoing) -> None:
        self.span = span
        self._outgoing = outgoing
        self._resends = 0
        self._ended = False

    def held_back(self, seconds: float) -> None:
        self.span.add_event("trigger_dev.rate_limit_wait", {"trigger_dev.wait_seconds": seconds})

    def retrying(self, attempt: int, reason: str, seconds: float) -> None:
        self._resends += 1
        self.span.add_event(
            "trigger_dev.retry",
            {
                "trigger_dev.attempt": attempt,
                "trigger_dev.retry.reason": reason,
                "trigger_dev.wait_seconds": seconds,
            },
        )

    def succeeded(self, received: Received) -> None:
        if self._ended:
            return
        self._ended = True
        span = self.span
        span.set_attribute("http.response.status_code", received.status)
        if self._resends:
            span.set_attribute("http.request.resend_count", self._resends)
        route = self._outgoing.route
        if route is not None and route.trace_context and span.is_recording():
            for key, value in _answered_ids(received.content).items():
                span.set_attribute(key, value)
        span.end()

    def failed(self, error: BaseException) -> None:
        if self._ended:
            return
        self._ended = True
        span = self.span
        if self._resends:
            span.set_attribute("http.request.resend_count", self._resends)
        status = error.status if isinstance(error, ApiError) else None
        if status is not None:
            span.set_attribute("http.response.status_code", status)
            error_type = str(status)
        else:
            error_type = _error_type(error)
        span.set_attribute("error.type", error_type)
        if isinstance(error, Exception):
            # Our messages name the call and the server's answer, never a credential or URL query.
            span.record_exception(error)
        span.set_status(trace.Status(trace.StatusCode.ERROR, error_type))
        span.end()


def _attributes(outgoing: Outgoing) -> dict[str, str | int]:
    parts = urlsplit(outgoing.url)
    address = parts.netloc.rpartition("@")[2]  # host and port as written, without user info
    attributes: dict[str, str | int] = {
        "http.request.method": outgoing.method,
        "server.address": parts.hostname or "",
        "server.port": parts.port or (443 if parts.scheme == "https" else 80),
        # Without query or fragment: a presigned URL's signature is in its query.
        "url.full": f"{parts.scheme}://{address}{parts.path}",
        "trigger_dev.call": outgoing.name,
    }
    route = outgoing.route
    if route is not None:
        attributes["url.template"] = route.path
        attributes.update(_path_ids(route.path, parts.path))
    return attributes


def _path_ids(template: str, path: str) -> dict[str, str]:
    """The task, run and batch ids in a request's path, read by its route's template."""
    known = _PATTERNS.get(template)
    if known is None:
        pieces = re.split(r"\{([^}]+)\}", template)  # literal, name, literal, name, ...
        regex = "".join(
            re.escape(piece) if index % 2 == 0 else f"(?P<p{index}>[^/]+)"
            for index, piece in enumerate(pieces)
        )
        groups = tuple(
            (f"p{index}", _ID_ATTRIBUTES[pieces[index]])
            for index in range(1, len(pieces), 2)
            if pieces[index] in _ID_ATTRIBUTES
        )
        # The base URL may have a path of its own before the route's.
        known = _PATTERNS[template] = (re.compile(rf".*?{regex}$"), groups)
    pattern, groups = known
    match = pattern.match(path)
    if match is None:
        return {}
    return {attribute: unquote(match.group(group)) for group, attribute in groups}


def _answered_ids(content: bytes) -> Mapping[str, str]:
    """The run or batch id a trigger or batch creation answered with."""
    if not content or len(content) > _LARGEST_ANSWER_READ:
        return {}
    try:
        document = _json.loads(content)
    except ValueError:
        return {}
    answered = document.get("id") if isinstance(document, dict) else None
    if isinstance(answered, str):
        for prefix, attribute in _ANSWERED_IDS:
            if answered.startswith(prefix):
                return {attribute: answered}
    return {}


def _error_type(error: BaseException) -> str:
    kind = type(error)
    module = kind.__module__
    if module.startswith("trigger_dev."):
        module = "trigger_dev"  # the public name: trigger_dev.ApiTimeoutError
    return kind.__qualname__ if module == "builtins" else f"{module}.{kind.__qualname__}"


def _suppressed(parent: otel_context.Context) -> bool:
    # The key the instrumentation libraries set to silence each other (private in the API).
    key = getattr(otel_context, "_SUPPRESS_INSTRUMENTATION_KEY", None)
    return key is not None and bool(otel_context.get_value(key, parent))

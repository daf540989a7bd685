# Copied by codegen.py from templates/runtime/_wire/operation.py (sha256 e86ec29d19293e89); edit that file, not this one.
"""What an SDK method is on the wire: its routes, their parameters, and how a call's
arguments become a request. The tables themselves are generated into ``_operations.py``."""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Generic, Literal, TypeVar
from urllib.parse import quote

from .._exceptions import ArgumentTypeError, AuthMethodError, InvalidArgumentError
from .credentials import LABELS as _LABELS
from .credentials import Credential
from .validation import Check, Schema, compile_schema

__all__ = [
    "Offload",
    "Operation",
    "Param",
    "PreparedRequest",
    "Route",
    "check_size",
    "empty_result",
    "prepare_request",
    "select_route",
]

T = TypeVar("T")

Encoder = Callable[[str, Any], Mapping[str, Any]]
"""Turns a Python value into wire fields: ``(wire_name, value) -> {wire_name: wire_value, ...}``."""


def plain(wire: str, value: Any) -> Mapping[str, Any]:
    return {wire: value}


@dataclass(frozen=True, slots=True)
class Param:
    wire: str
    python: str
    location: Literal["path", "query", "body"]
    required: bool = False
    schema: Schema | None = None
    encode: Encoder = plain
    segments: bool = False  # a path value that may hold "/": each part is its own segment
    # Fills in the value from the environment before it is checked (x-sdk-fill: a trigger's
    # options from the deployment platform's variables); given the value, None when absent.
    fill: Callable[[Any], Any] | None = None
    check: Check | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Compiled once here, so a call runs only the checks its schema needs.
        object.__setattr__(self, "check", compile_schema(self.schema) if self.schema else None)


@dataclass(frozen=True, slots=True)
class Offload:
    """A body field holding a task payload, which the client uploads to object storage first
    when it is large (``x-sdk-offload``). ``task`` names the path parameter (JSON bodies) or
    the line field (NDJSON bodies) that holds the task id."""

    field: str
    task: str


@dataclass(frozen=True, slots=True)
class Route:
    """One HTTP endpoint: method, path template, the credential kinds it takes, its params."""

    operation_id: str
    method: str
    path: str
    credentials: frozenset[str]
    params: tuple[Param, ...]
    body: Literal["json", "ndjson", "text"] | None = None
    offload: Offload | None = None
    max_body: int | None = None  # bytes the server takes in one body; larger is refused (413)
    max_line: int | None = None  # the same, per NDJSON line
    headers: Mapping[str, str] = field(default_factory=dict)  # sent with every request
    # Body fields of which exactly one must be given (queue override: a limit or a percent).
    exactly_one: tuple[str, ...] = ()
    # Statuses never retried whatever the retry policy says (aborting a finished bulk
    # action answers 409, which would never change).
    final_statuses: frozenset[int] = frozenset()
    # The first server release that serves this route, for a 404 from an older one.
    since: str | None = None
    # The server cannot tell a resent request from a new one (an input stream send): resend
    # only when the request cannot have reached it, unless the argument named here is given
    # (the server de-duplicates by it).
    at_most_once: bool = False
    resend_safe_with: str | None = None
    # The server keeps the request's traceparent/tracestate as the external trace context of
    # the runs it starts (x-trace-context): the client sends the caller's OpenTelemetry
    # context on this route, and on no other.
    trace_context: bool = False
    by_python_name: Mapping[str, Param] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_python_name", {p.python: p for p in self.params})

    @property
    def described(self) -> str:
        """``GET /api/v1/projects/{project_ref}/runs``: the route for messages, its path
        parameters under their Python names."""
        path = self.path
        for param in self.params:
            if param.location == "path":
                path = path.replace(f"{{{param.wire}}}", f"{{{param.python}}}")
        return f"{self.method} {path}"


@dataclass(frozen=True, slots=True)
class Operation(Generic[T]):
    """An SDK method (``runs.list``): one route, or one per credential kind it supports."""

    name: str
    routes: tuple[Route, ...]
    # Reads the decoded body. For a paginated method it reads the page envelope, and the
    # client wraps that in the page type `T`.
    parse: Callable[[Any], Any]
    pagination: Literal["cursor", "page"] | None = None
    # Presigned-URL fields of the result the client downloads into another field
    # (``x-sdk-resolves``): ``(("outputPresignedUrl", "output"), ...)``.
    resolves: tuple[tuple[str, str], ...] = ()
    # The result when a success has no body at all (a 204 from a delete): ``{"id": "{runId}"}``
    # takes the value of that path parameter.
    when_empty: Mapping[str, Any] | None = None
    # Result fields read from a response header, and the scope and lifetime of the token the
    # client signs when the header is missing:
    # ``(("publicAccessToken", "x-trigger-jwt", "read:runs:{id}", "1h"),)``.
    header_fields: tuple[tuple[str, str, str | None, str], ...] = ()
    # Body fields the server sends encoded, with the field naming the encoding (a waitpoint's
    # ``output`` and ``outputType``); the client decodes them, downloading stored ones.
    packets: tuple[tuple[str, str], ...] = ()

    def called_as(self, name: str) -> Operation[T]:
        """This operation named after the public call that makes it (a method written by hand
        on top of a route users do not call directly), so that its argument errors, API
        errors and log lines name what the user called."""
        return replace(self, name=name)


@dataclass(slots=True)
class PreparedRequest:
    """A checked request whose body is still a JSON document (a dict, or the NDJSON lines),
    so that large payloads can be moved out of it before it is encoded."""

    method: str
    path: str
    document: Any
    content_type: str | None
    route: Route
    operation: str
    args: Mapping[str, Any]
    encoded: bytes | None = None  # the encoded body, once computed

    def path_value(self, wire: str) -> str | None:
        """A path parameter as the caller gave it (before escaping)."""
        for param in self.route.params:
            if param.wire == wire and param.location == "path":
                value = self.args.get(param.python)
                return None if value is None else str(value)
        return None

    def body(self) -> bytes | None:
        if self.encoded is None and self.document is not None:
            self.encoded = encode_document(self.operation, self.route, self.document)
        return self.encoded


def select_route(operation: Operation[Any], credential: Credential | None, args: Mapping[str, Any]) -> Route:
    """The route for this credential, or `AuthMethodError` saying what would work."""
    if len(operation.routes) == 1:
        only = operation.routes[0]
        if not only.credentials or (credential is not None and credential.kind.key in only.credentials):
            return only
    if credential is None:
        raise AuthMethodError(
            f"{operation.name} needs a credential ({_kinds_text(operation)}) and none is "
            "configured: pass secret_key= or access_token= to configure() or TriggerClient(), "
            "or set TRIGGER_SECRET_KEY.",
            operation=operation.name,
            credential="none",
        )
    label = _with_article(credential.kind.label)
    for route in operation.routes:
        if credential.kind.key not in route.credentials:
            continue
        given = {name for name, value in args.items() if value is not None}
        foreign = sorted(given - route.by_python_name.keys())
        if foreign:
            raise AuthMethodError(
                f"{operation.name} with {label} cannot take {_names(foreign)}: "
                f"{_only_with(operation, foreign)}",
                operation=operation.name,
                credential=credential.kind.label,
            )
        missing = [p.python for p in route.params if p.required and args.get(p.python) is None]
        if missing and len(operation.routes) > 1:
            raise AuthMethodError(
                f"{operation.name} with {label} needs {_names(missing)} (it calls {route.described}).",
                operation=operation.name,
                credential=credential.kind.label,
            )
        return route
    raise AuthMethodError(
        f"{operation.name} cannot be called with {label}; it takes {_kinds_text(operation)}.",
        operation=operation.name,
        credential=credential.kind.label,
    )


def prepare_request(
    operation: Operation[Any],
    route: Route,
    args: Mapping[str, Any],
    extra_query: tuple[tuple[str, str | None], ...] = (),
    extra_body: Mapping[str, Any] | None = None,
) -> PreparedRequest:
    """Check the arguments against the route and encode them as path, query and body, with
    the caller's ``extra_query`` and ``extra_body`` merged over what the call sends."""
    path_values: dict[str, str] = {}
    query: dict[str, Any] = {}
    body: dict[str, Any] = {}
    for param in route.params:
        value = args.get(param.python)
        if param.fill is not None:
            value = param.fill(value)
        if value is None:
            if param.required:
                raise ArgumentTypeError(
                    f"{operation.name}() is missing the required argument {param.python!r}"
                )
            continue
        if param.check is not None:
            param.check(value, lambda param=param: f"{operation.name}() argument {param.python!r}")  # type: ignore[misc]
        try:
            fields = param.encode(param.wire, value)
        except (TypeError, ValueError) as exc:
            kind = ArgumentTypeError if isinstance(exc, TypeError) else InvalidArgumentError
            message = str(exc)
            # The encoder's message names no value, or starts with a path inside this one.
            name = param.python if message.startswith("[") else f"{param.python!r} "
            raise kind(f"{operation.name}() argument {name}{message}") from None
        if param.location == "path":
            path_values.update({k: _path_value(operation, param, v) for k, v in fields.items()})
        elif param.location == "query":
            query.update(fields)
        else:
            body.update(fields)
    if route.exactly_one:
        _check_exactly_one(operation, route, args)
    for name, text in extra_query:
        if text is None:
            query.pop(name, None)
        else:
            query[name] = text
    if extra_body:
        if route.body in ("ndjson", "text") or (route.body is None and route.method == "GET"):
            raise InvalidArgumentError(
                f"{operation.name}() sends no JSON body ({route.described}), so "
                "request_options['extra_body'] has nowhere to go; use 'extra_query' for query parameters"
            )
        body = merge_body(body, extra_body)
    route_body = "json" if extra_body else route.body
    path = route.path.format_map(path_values)
    if query:
        path = f"{path}?{_query_string(query)}"
    if route.body == "ndjson":
        lines = list(body.get("items", ()))
        return PreparedRequest(route.method, path, lines, "application/x-ndjson", route, operation.name, args)
    if route.body == "text":
        text = body.get("body", "")
        return PreparedRequest(route.method, path, text, "application/json", route, operation.name, args)
    if route_body == "json":
        return PreparedRequest(route.method, path, body, "application/json", route, operation.name, args)
    return PreparedRequest(route.method, path, None, None, route, operation.name, args)


def _check_exactly_one(operation: Operation[Any], route: Route, args: Mapping[str, Any]) -> None:
    given = [name for name in route.exactly_one if args.get(name) is not None]
    if len(given) != 1:
        names = " and ".join(repr(name) for name in route.exactly_one)
        got = (
            "neither"
            if not given
            else f"{'both' if len(given) == 2 else 'all of'} {' and '.join(map(repr, given))}"
        )
        raise ArgumentTypeError(f"{operation.name}() takes exactly one of {names}; got {got}")


def check_size(prepared: PreparedRequest) -> None:
    """Refuse, before sending, a body the server would refuse (413) for its size."""
    route = prepared.route
    body = prepared.body()
    if body is None or (route.max_body is None and route.max_line is None):
        return
    if route.max_body is not None and len(body) > route.max_body:
        raise InvalidArgumentError(_too_large(prepared, "the request body", len(body), route.max_body))
    if route.max_line is not None and len(body) > route.max_line:
        longest = max(len(line) for line in body.split(b"\n"))
        if longest > route.max_line:
            raise InvalidArgumentError(_too_large(prepared, "an item", longest, route.max_line))


def _too_large(prepared: PreparedRequest, what: str, size: int, limit: int) -> str:
    note = (
        " Payloads of 128 KiB or more are uploaded separately, so what is too large is the rest "
        "(options such as metadata)."
        if prepared.route.offload is not None
        else ""
    )
    return (
        f"{prepared.operation}(): {what} is {size:,} bytes, over the {limit:,} the server accepts on "
        f"{prepared.route.described} (it would answer 413).{note}"
    )


def empty_result(operation: Operation[Any], prepared: PreparedRequest) -> dict[str, Any]:
    """The result of a success without a body, from the operation's ``when_empty``."""
    assert operation.when_empty is not None
    return {
        key: prepared.path_value(value[1:-1]) or value
        if isinstance(value, str) and value.startswith("{") and value.endswith("}")
        else value
        for key, value in operation.when_empty.items()
    }


def encode_document(operation: str, route: Route, document: Any) -> bytes:
    """The wire bytes of a request body: JSON, or one JSON object per line."""
    if route.body == "ndjson":
        return b"".join(json_bytes(operation, line) + b"\n" for line in document)
    if route.body == "text":
        return str(document).encode()
    return json_bytes(operation, document)


def _query_string(query: Mapping[str, Any]) -> str:
    # Plain names and values (most are: offsets, ids, numbers) skip quote(); the rest are
    # escaped as urlencode(quote_via=quote, safe=",") would.
    parts = []
    for key, value in query.items():
        text = str(value)
        if not _PLAIN_QUERY.fullmatch(text):
            text = quote(text, safe=",")
        parts.append(f"{_query_name(key)}={text}")
    return "&".join(parts)


@functools.lru_cache(maxsize=256)
def _query_name(key: str) -> str:
    # Names come from the spec (page[after], filter[status]): a few, each encoded once.
    return key if _PLAIN_QUERY.fullmatch(key) else quote(key, safe=",")


def _path_value(operation: Operation[Any], param: Param, value: Any) -> str:
    if param.segments:
        parts = str(value).split("/")
        return "/".join(_path_segment(operation, param, part, str(value)) for part in parts)
    return _path_segment(operation, param, value)


def _path_segment(operation: Operation[Any], param: Param, value: Any, whole: str | None = None) -> str:
    text = str(value)
    if not text.strip():
        raise InvalidArgumentError(
            f"{operation.name}() argument {param.python!r} cannot be empty"
            + (f" or only whitespace, got {text!r}" if text else "")
        )
    if text in (".", ".."):
        # URL libraries and servers resolve these before routing: "runs/.." would become
        # another route, with the caller's credential.
        raise InvalidArgumentError(
            f"{operation.name}() argument {param.python!r} cannot be {(whole or text)!r}: "
            f"a {text!r} path segment would be resolved away and send the call to another route"
        )
    if _PLAIN_SEGMENT.fullmatch(text):
        return text  # ids such as run_1234 need no escaping
    if _CONTROL_CHARACTER.search(text):
        raise InvalidArgumentError(
            f"{operation.name}() argument {param.python!r} contains a control character "
            f"(such as a line break): {text!r:.80}; ids never do"
        )
    # Every reserved character is escaped, so a value can never add segments or a query.
    return quote(text, safe="")


_CONTROL_CHARACTER = re.compile(r"[\x00-\x1f\x7f]")
_PLAIN_SEGMENT = re.compile(r"[A-Za-z0-9_.~-]+")
_PLAIN_QUERY = re.compile(r"[A-Za-z0-9_.~,-]*")


def json_bytes(operation: str, body: Any) -> bytes:
    """Compact UTF-8 JSON, as the body of a request; `TypeError` naming the call otherwise."""
    try:
        return json.dumps(body, separators=(",", ":"), allow_nan=False, ensure_ascii=False).encode()
    except (TypeError, ValueError) as exc:
        raise ArgumentTypeError(
            f"{operation}() was given a value that cannot be sent as JSON ({exc}); "
            "pass dicts, lists, strings, numbers, booleans or None."
        ) from None


def _with_article(label: str) -> str:
    return f"an {label}" if label[:1] in "aeiou" else f"a {label}"


def _names(names: list[str]) -> str:
    return ", ".join(repr(n) for n in names)


def _kinds_text(operation: Operation[Any]) -> str:
    labels = sorted({k for route in operation.routes for k in route.credentials})
    return " or ".join(_LABELS.get(k, k) for k in labels) or "no credential"


def _only_with(operation: Operation[Any], names: list[str]) -> str:
    for route in operation.routes:
        if all(n in route.by_python_name for n in names):
            kinds = " or ".join(_LABELS.get(k, k) for k in sorted(route.credentials))
            verb = "applies" if len(names) == 1 else "apply"
            return f"{_names(names)} {verb} only with {_with_article(kinds)} ({route.described})."
    return "no route of this operation takes them."


def merge_body(base: Mapping[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    """``base`` with ``extra`` merged over it: objects key by key at any depth, anything else
    replaced. Neither argument is changed."""
    merged = dict(base)
    for key, value in extra.items():
        current = merged.get(key)
        if isinstance(value, Mapping) and isinstance(current, Mapping):
            merged[key] = merge_body(current, value)
        else:
            merged[key] = value
    return merged

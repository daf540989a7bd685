# Runtime source of trigger_dev: codegen.py copies it into generated/trigger_dev/ unchanged.
"""Per-client and per-call request options: what users pass, checked and merged."""

from __future__ import annotations

import os
import re
import sys
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, TypedDict

from .._constants import DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT
from .._exceptions import ArgumentTypeError, InvalidArgumentError
from .._wire.operation import merge_body
from .retry import RetryPolicy

__all__ = ["RequestOptions", "ResolvedOptions", "RetryOptions"]


class RetryOptions(TypedDict, total=False):
    """How failed attempts are retried. Durations are seconds, as everywhere in this package."""

    max_attempts: int
    """Attempts in all, the first included; 1 turns retries off."""
    min_delay: float
    """Seconds to wait before the first retry (the official SDK's ``minTimeoutInMs``)."""
    max_delay: float
    """Longest wait between two attempts, in seconds (``maxTimeoutInMs``)."""
    factor: float
    """Each wait is the previous one times this."""
    randomize: bool
    """Multiply each wait by a random factor in [1, 2) to spread retries out."""
    min_timeout_in_ms: float
    """Deprecated: ``min_delay`` in milliseconds."""
    max_timeout_in_ms: float
    """Deprecated: ``max_delay`` in milliseconds."""


class RequestOptions(TypedDict, total=False):
    """Options for every call of a client, or for one call (merged over the client's).

    Durations are seconds. ``extra_body``, ``extra_query`` and ``extra_headers`` send what
    this version of the SDK does not describe yet (a field the server gained last week);
    their keys are sent as written, so use the wire's names (``camelCase``).
    """

    retry: RetryOptions
    timeout: float
    """Seconds to wait for the server to answer, and between two reads of the body, in each
    attempt. A timed-out attempt is retried like a failed one."""
    connect_timeout: float
    """Seconds to wait for a connection to open, in each attempt."""
    extra_headers: Mapping[str, str]
    """More request headers; they cannot replace Authorization, the API version or the
    content headers."""
    extra_query: Mapping[str, Any]
    """More query parameters, merged over the call's own; None removes one. Lists are sent
    comma-joined, booleans as ``true``/``false``."""
    extra_body: Mapping[str, Any]
    """More JSON body fields, merged into the call's body: objects merge key by key, at any
    depth; any other value replaces what the call would send."""
    download_offloaded: bool
    """Whether reading a run downloads a payload or output the server kept in object storage
    (default true). With false, ``payload``/``output`` stay None and the presigned URLs
    (valid for 300 s) are left for you to fetch."""
    tracing: bool
    """Whether a call made inside an OpenTelemetry span gets a client span of its own and,
    on the trigger routes, sends the trace context (default true; see the tracing guide).
    Without OpenTelemetry imported by the application this does nothing."""
    timeout_in_ms: float
    """Deprecated: ``timeout`` in milliseconds."""
    connect_timeout_in_ms: float
    """Deprecated: ``connect_timeout`` in milliseconds."""
    additional_headers: Mapping[str, str]
    """Deprecated: the former name of ``extra_headers``."""


_NUMBER = (int, float)
_OPTION_TYPES: dict[str, tuple[type, ...]] = {
    "retry": (Mapping,),
    "timeout": _NUMBER,
    "connect_timeout": _NUMBER,
    "extra_headers": (Mapping,),
    "extra_query": (Mapping,),
    "extra_body": (Mapping,),
    "download_offloaded": (bool,),
    "tracing": (bool,),
}
_RETRY_TYPES: dict[str, tuple[type, ...]] = {
    "max_attempts": (int,),
    "min_delay": _NUMBER,
    "max_delay": _NUMBER,
    "factor": _NUMBER,
    "randomize": (bool,),
}
# Former spellings: (new name, divisor turning the old value into the new unit).
_RENAMED_OPTIONS = {
    "timeout_in_ms": ("timeout", 1000),
    "connect_timeout_in_ms": ("connect_timeout", 1000),
    "additional_headers": ("extra_headers", 1),
}
_RENAMED_RETRY = {"min_timeout_in_ms": ("min_delay", 1000), "max_timeout_in_ms": ("max_delay", 1000)}
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
# Headers the client owns; letting an option replace them would break auth or status values.
_RESERVED_HEADERS = frozenset({"authorization", "x-trigger-api-version", "content-type", "content-length"})


@dataclass(frozen=True, slots=True)
class ResolvedOptions:
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    timeout: float = DEFAULT_TIMEOUT
    connect_timeout: float = DEFAULT_CONNECT_TIMEOUT
    extra_headers: tuple[tuple[str, str], ...] = ()
    extra_query: tuple[tuple[str, str | None], ...] = ()
    extra_body: Mapping[str, Any] | None = None
    download_offloaded: bool = True
    tracing: bool = True

    def merged(self, options: RequestOptions | None) -> ResolvedOptions:
        """These options with ``options`` merged over them key by key."""
        if not options:
            return self
        options = _renamed(options, _RENAMED_OPTIONS, "request_options")
        _check_keys(options, _OPTION_TYPES, "request_options")
        result = self
        if "retry" in options:
            retry = _renamed(options["retry"], _RENAMED_RETRY, 'request_options["retry"]')
            _check_keys(retry, _RETRY_TYPES, 'request_options["retry"]')
            result = replace(result, retry=result.retry.updated(**retry))
        if "timeout" in options:
            result = replace(result, timeout=_seconds(options["timeout"], "timeout"))
        if "connect_timeout" in options:
            result = replace(result, connect_timeout=_seconds(options["connect_timeout"], "connect_timeout"))
        if "extra_headers" in options:
            headers = dict(result.extra_headers)
            headers.update(_checked_headers(options["extra_headers"]))
            result = replace(result, extra_headers=tuple(headers.items()))
        if "extra_query" in options:
            query = dict(result.extra_query)
            query.update(_checked_query(options["extra_query"]))
            result = replace(result, extra_query=tuple(query.items()))
        if "extra_body" in options:
            body = _checked_body(options["extra_body"])
            result = replace(result, extra_body=merge_body(result.extra_body or {}, body))
        if "download_offloaded" in options:
            result = replace(result, download_offloaded=options["download_offloaded"])
        if "tracing" in options:
            result = replace(result, tracing=options["tracing"])
        return result


def _renamed(options: Any, renames: Mapping[str, tuple[str, int]], where: str) -> Any:
    """``options`` with deprecated keys turned into their new names and units, warning once per
    call site; unchanged when it has none."""
    if not isinstance(options, Mapping) or not any(key in options for key in renames):
        return options
    result = dict(options)
    for old, (new, divisor) in renames.items():
        if old not in result:
            continue
        value = result.pop(old)
        unit = " (seconds, not milliseconds)" if divisor != 1 else ""
        warn_deprecated(f"{where}[{old!r}] is deprecated: use {new!r}{unit}")
        if new in result:
            raise InvalidArgumentError(f"{where} has both {old!r} and {new!r}: keep only {new!r}")
        if divisor != 1 and isinstance(value, _NUMBER) and not isinstance(value, bool):
            value = value / divisor
        result[new] = value
    return result


def warn_deprecated(message: str) -> None:
    """A `DeprecationWarning` pointing at the user's line: the first frame outside this package."""
    package = os.path.dirname(os.path.dirname(__file__))  # trigger_dev/, not trigger_dev/_http/
    frame, level = sys._getframe(1), 2
    while frame.f_back is not None and frame.f_code.co_filename.startswith(package):
        frame, level = frame.f_back, level + 1
    warnings.warn(message, DeprecationWarning, stacklevel=level)


def _seconds(value: float, key: str) -> float:
    if value <= 0:
        raise InvalidArgumentError(
            f"request_options[{key!r}] must be a positive number of seconds, got {value!r}"
        )
    return float(value)


def _check_keys(options: Mapping[str, Any], types: Mapping[str, tuple[type, ...]], where: str) -> None:
    if not isinstance(options, Mapping):
        raise ArgumentTypeError(f"{where} must be a dict, got {type(options).__name__}")
    for key, value in options.items():
        if key not in types:
            valid = ", ".join(sorted(types))
            raise ArgumentTypeError(f"{where} has no option {key!r}; valid options are: {valid}")
        if not isinstance(value, types[key]) or (isinstance(value, bool) and bool not in types[key]):
            expected = "a number" if types[key] is _NUMBER else " or ".join(t.__name__ for t in types[key])
            raise ArgumentTypeError(f"{where}[{key!r}] must be {expected}, got {type(value).__name__}")


def _checked_query(query: Mapping[Any, Any]) -> dict[str, str | None]:
    checked: dict[str, str | None] = {}
    for name, value in query.items():
        if not isinstance(name, str) or not name:
            raise ArgumentTypeError(f"extra_query names must be non-empty strings, got {name!r}")
        checked[name] = None if value is None else _query_text(name, value)
    return checked


def _query_text(name: str, value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    if isinstance(value, (list, tuple)) and all(isinstance(v, (str, int, float)) for v in value):
        return ",".join(_query_text(name, v) for v in value)
    raise ArgumentTypeError(
        f"extra_query[{name!r}] must be a string, number, boolean, a list of those, or None "
        f"(to remove the parameter), got {type(value).__name__}"
    )


def _checked_body(body: Mapping[Any, Any]) -> Mapping[str, Any]:
    for name in body:
        if not isinstance(name, str):
            raise ArgumentTypeError(f"extra_body keys must be strings (the wire's field names), got {name!r}")
    return body


def _checked_headers(headers: Mapping[str, str]) -> dict[str, str]:
    checked: dict[str, str] = {}
    for name, value in headers.items():
        if not isinstance(name, str) or not isinstance(value, str):
            raise ArgumentTypeError(f"extra_headers must map strings to strings, got {name!r}: {value!r}")
        if name.lower() in _RESERVED_HEADERS:
            raise InvalidArgumentError(f"extra_headers cannot set {name!r}: the client sets it itself")
        if any(c in name + value for c in "\r\n\x00"):
            raise InvalidArgumentError(f"extra_headers[{name!r}] contains a line break or NUL character")
        if not _TOKEN.fullmatch(name):
            raise InvalidArgumentError(
                f"extra_headers has the header name {name!r}: names are ASCII letters, digits "
                "and !#$%&'*+-.^_`|~, without spaces"
            )
        try:
            value.encode("latin-1")
        except UnicodeEncodeError:
            raise InvalidArgumentError(
                f"extra_headers[{name!r}] has a character HTTP headers cannot carry ({value!r:.60}); "
                "header values are Latin-1: percent-encode or base64 anything else"
            ) from None
        checked[name] = value
    return checked

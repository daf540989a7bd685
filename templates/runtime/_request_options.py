# Runtime source of trigger_dev: codegen.py copies it into generated/trigger_dev/ unchanged.
"""Per-client and per-call request options: what users pass, checked and merged."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, TypedDict

from ._constants import DEFAULT_CONNECT_TIMEOUT_IN_MS, DEFAULT_TIMEOUT_IN_MS
from ._retry import RetryPolicy

__all__ = ["RequestOptions", "ResolvedOptions", "RetryOptions"]


class RetryOptions(TypedDict, total=False):
    """How failed attempts are retried. Keys are the official SDK's, in snake_case."""

    max_attempts: int
    """Attempts in all, the first included; 1 turns retries off."""
    min_timeout_in_ms: int
    """Wait before the first retry."""
    max_timeout_in_ms: int
    """Longest wait between two attempts."""
    factor: float
    """Each wait is the previous one times this."""
    randomize: bool
    """Multiply each wait by a random factor in [1, 2) to spread retries out."""


class RequestOptions(TypedDict, total=False):
    """Options for every call of a client, or for one call (merged over the client's)."""

    retry: RetryOptions
    timeout_in_ms: int
    """Longest wait for the server to answer, and between two reads of the body, in each
    attempt (milliseconds). A timed-out attempt is retried like a failed one."""
    connect_timeout_in_ms: int
    """Longest wait to open a connection, in each attempt (milliseconds)."""
    additional_headers: Mapping[str, str]
    """Extra request headers; they cannot replace Authorization or the API version."""
    download_offloaded: bool
    """Whether reading a run downloads a payload or output the server kept in object storage
    (default true). With false, ``payload``/``output`` stay None and the presigned URLs
    (valid for 300 s) are left for you to fetch."""


_OPTION_TYPES: dict[str, tuple[type, ...]] = {
    "retry": (Mapping,),
    "timeout_in_ms": (int, float),
    "connect_timeout_in_ms": (int, float),
    "additional_headers": (Mapping,),
    "download_offloaded": (bool,),
}
_RETRY_TYPES: dict[str, tuple[type, ...]] = {
    "max_attempts": (int,),
    "min_timeout_in_ms": (int, float),
    "max_timeout_in_ms": (int, float),
    "factor": (int, float),
    "randomize": (bool,),
}
_TOKEN = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
# Headers the client owns; letting an option replace them would break auth or status values.
_RESERVED_HEADERS = frozenset({"authorization", "x-trigger-api-version", "content-type", "content-length"})


@dataclass(frozen=True, slots=True)
class ResolvedOptions:
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    timeout_in_ms: float = DEFAULT_TIMEOUT_IN_MS
    connect_timeout_in_ms: float = DEFAULT_CONNECT_TIMEOUT_IN_MS
    additional_headers: tuple[tuple[str, str], ...] = ()
    download_offloaded: bool = True

    def merged(self, options: RequestOptions | None) -> ResolvedOptions:
        """These options with ``options`` merged over them key by key."""
        if not options:
            return self
        _check_keys(options, _OPTION_TYPES, "request_options")
        result = self
        if "retry" in options:
            retry = options["retry"]
            _check_keys(retry, _RETRY_TYPES, 'request_options["retry"]')
            result = replace(result, retry=result.retry.updated(**retry))
        if "timeout_in_ms" in options:
            result = replace(result, timeout_in_ms=_milliseconds(options["timeout_in_ms"], "timeout_in_ms"))
        if "connect_timeout_in_ms" in options:
            connect = _milliseconds(options["connect_timeout_in_ms"], "connect_timeout_in_ms")
            result = replace(result, connect_timeout_in_ms=connect)
        if "additional_headers" in options:
            extra = dict(result.additional_headers)
            extra.update(_checked_headers(options["additional_headers"]))
            result = replace(result, additional_headers=tuple(extra.items()))
        if "download_offloaded" in options:
            result = replace(result, download_offloaded=options["download_offloaded"])
        return result


def _milliseconds(value: float, key: str) -> float:
    if value <= 0:
        raise ValueError(f"request_options[{key!r}] must be a positive number of milliseconds, got {value!r}")
    return value


def _check_keys(options: Mapping[str, Any], types: Mapping[str, tuple[type, ...]], where: str) -> None:
    if not isinstance(options, Mapping):
        raise TypeError(f"{where} must be a dict, got {type(options).__name__}")
    for key, value in options.items():
        if key not in types:
            valid = ", ".join(sorted(types))
            raise TypeError(f"{where} has no option {key!r}; valid options are: {valid}")
        if not isinstance(value, types[key]) or (isinstance(value, bool) and bool not in types[key]):
            expected = " or ".join(t.__name__ for t in types[key])
            raise TypeError(f"{where}[{key!r}] must be {expected}, got {type(value).__name__}")


def _checked_headers(headers: Mapping[str, str]) -> dict[str, str]:
    checked: dict[str, str] = {}
    for name, value in headers.items():
        if not isinstance(name, str) or not isinstance(value, str):
            raise TypeError(f"additional_headers must map strings to strings, got {name!r}: {value!r}")
        if name.lower() in _RESERVED_HEADERS:
            raise ValueError(f"additional_headers cannot set {name!r}: the client sets it itself")
        if any(c in name + value for c in "\r\n\x00"):
            raise ValueError(f"additional_headers[{name!r}] contains a line break or NUL character")
        if not _TOKEN.fullmatch(name):
            raise ValueError(
                f"additional_headers has the header name {name!r}: names are ASCII letters, digits "
                "and !#$%&'*+-.^_`|~, without spaces"
            )
        try:
            value.encode("latin-1")
        except UnicodeEncodeError:
            raise ValueError(
                f"additional_headers[{name!r}] has a character HTTP headers cannot carry ({value!r:.60}); "
                "header values are Latin-1: percent-encode or base64 anything else"
            ) from None
        checked[name] = value
    return checked

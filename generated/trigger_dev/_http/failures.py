# Copied by codegen.py from templates/runtime/_http/failures.py (sha256 7536336e6026b756); edit that file, not this one.
"""The errors of an attempt whose connection failed or whose body could not be read,
worded once for both transports (urllib3 and aiohttp): each transport only says which of
its exceptions means which failure, and gives the reason in words."""

from __future__ import annotations

from collections.abc import Mapping

from .._exceptions import ApiConnectionError, ApiSchemaValidationError, ApiTimeoutError

__all__ = ["broken", "connect_timeout", "no_answer", "no_connection", "no_data", "undecodable"]


def no_connection(reason: str, via: str = "") -> ApiConnectionError:
    """No connection was made (refused, unreachable, DNS), so the server cannot have seen
    the request. ``via`` names the proxy the connection went through, if any."""
    error = ApiConnectionError(f"Connection error: {reason}{via}")
    error.may_have_arrived = False
    return error


def connect_timeout(timeout: float, via: str = "") -> ApiTimeoutError:
    """No connection within ``timeout`` seconds: the server cannot have seen the request."""
    error = ApiTimeoutError(f"Could not connect within {timeout:g} s{via}.")
    error.may_have_arrived = False
    return error


def broken(reason: str, via: str = "") -> ApiConnectionError:
    """The connection failed once made, or its answer was cut short: the request may have
    arrived."""
    return ApiConnectionError(f"Connection error: {reason}{via}")


def no_answer(timeout: float) -> ApiTimeoutError:
    """No answer within the read timeout."""
    return ApiTimeoutError(f"Request timed out after {timeout:g} s without an answer.")


def no_data(timeout: float) -> ApiTimeoutError:
    """A body read as it arrives went quiet for the read timeout."""
    return ApiTimeoutError(f"No data for {timeout:g} s.")


def undecodable(name: str, status: int, headers: Mapping[str, str], reason: str) -> ApiSchemaValidationError:
    """The answer arrived, but its compressed body is broken: not a network failure to
    retry, and not a body to parse."""
    encoding = headers.get("content-encoding", "?")
    return ApiSchemaValidationError(
        f"{name}: the response body could not be decoded (Content-Encoding: {encoding}): {reason}",
        status=status,
        headers=headers,
    )

# Copied by codegen.py from templates/runtime/_wire/jwt.py (sha256 f6bacc688918cec7); edit that file, not this one.
"""Public access tokens as the official SDK signs them: HS256 JWTs keyed with the secret key.

Written with the standard library (hmac, hashlib, base64, json) rather than a JWT library:
one algorithm, signing only, about forty lines, and no dependency for every user of the
client. The tests verify the tokens with PyJWT, as the server verifies them with jose.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import json
import re
import time
from collections.abc import Mapping
from typing import Any

from .._exceptions import ArgumentTypeError, InvalidArgumentError

__all__ = ["AUDIENCE", "DEFAULT_EXPIRATION", "ISSUER", "Expiration", "expires_at", "sign"]

ISSUER = "https://id.trigger.dev"
AUDIENCE = "https://api.trigger.dev"
DEFAULT_EXPIRATION = "15m"

Expiration = str | int | datetime.datetime | datetime.timedelta
"""A duration (``"15m"``, ``"1h"``, ``"2 days"``, a `timedelta`), or when the token stops
working (an aware `datetime`, or Unix seconds as an int, as the official SDK takes a number)."""

# The duration grammar of jose, which the official SDK hands its strings to.
_DURATION = re.compile(
    r"^(\+|-)? ?(\d+|\d+\.\d+) ?(seconds?|secs?|s|minutes?|mins?|m|hours?|hrs?|h|days?|d|weeks?|w|years?|yrs?|y)"
    r"(?: (ago|from now))?$",
    re.IGNORECASE,
)
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, "y": 31_557_600}


def expires_at(expiration: Expiration | None, now: float) -> int:
    """The ``exp`` claim (Unix seconds) for ``expiration``; `ValueError` naming the accepted forms."""
    if expiration is None:
        expiration = DEFAULT_EXPIRATION
    if isinstance(expiration, bool):
        raise ArgumentTypeError(_EXPIRATION_HELP.format(got=repr(expiration)))
    if isinstance(expiration, int):
        return expiration
    if isinstance(expiration, datetime.timedelta):
        return int(now + expiration.total_seconds())
    if isinstance(expiration, datetime.datetime):
        if expiration.tzinfo is None or expiration.utcoffset() is None:
            raise InvalidArgumentError(
                "expiration as a datetime must be timezone-aware; a naive one is ambiguous"
            )
        return int(expiration.timestamp())
    if isinstance(expiration, str):
        match = _DURATION.match(expiration.strip())
        if match is None:
            raise InvalidArgumentError(_EXPIRATION_HELP.format(got=repr(expiration)))
        sign, amount, unit, suffix = match.groups()
        seconds = float(amount) * _UNIT_SECONDS[unit[0].lower()]
        if sign == "-" or (suffix or "").lower() == "ago":
            seconds = -seconds
        return int(now + round(seconds))
    raise ArgumentTypeError(_EXPIRATION_HELP.format(got=f"{type(expiration).__name__} {expiration!r:.40}"))


_EXPIRATION_HELP = (
    "expiration must be a duration such as '15m', '1h' or '2 days', a timedelta, an aware datetime, "
    "or Unix seconds as an int; got {got}"
)


def sign(
    claims: Mapping[str, Any], key: str, *, expiration: Expiration | None = None, now: float | None = None
) -> str:
    """A JWT with ``claims`` plus issuer, audience, issue and expiry times, signed HS256 with ``key``."""
    issued = int(time.time() if now is None else now)
    payload = {**claims, "iss": ISSUER, "aud": AUDIENCE, "iat": issued, "exp": expires_at(expiration, issued)}
    head = _segment({"alg": "HS256"})
    body = _segment(payload)
    signature = hmac.new(key.encode(), f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{_base64url(signature)}"


def _segment(value: Mapping[str, Any]) -> str:
    return _base64url(json.dumps(value, separators=(",", ":")).encode())


def _base64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")

# Runtime source of trigger_dev: codegen.py copies it into generated/trigger_dev/ unchanged.
"""When a failed attempt is tried again, and how long to wait first."""

from __future__ import annotations

import random
import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from .._constants import (
    MAX_SERVER_REQUESTED_WAIT,
    RETRY_FACTOR,
    RETRY_MAX_ATTEMPTS,
    RETRY_MAX_DELAY,
    RETRY_MIN_DELAY,
    RETRY_RANDOMIZE,
)
from .._exceptions import InvalidArgumentError

__all__ = ["MAX_SERVER_REQUESTED_WAIT", "RetryPolicy"]


_RETRIED_STATUSES = frozenset({408, 409, 429})


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    max_attempts: int = RETRY_MAX_ATTEMPTS
    min_delay: float = RETRY_MIN_DELAY
    max_delay: float = RETRY_MAX_DELAY
    factor: float = RETRY_FACTOR
    randomize: bool = RETRY_RANDOMIZE

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise InvalidArgumentError(f"retry max_attempts must be at least 1, got {self.max_attempts}")
        if self.min_delay < 0 or self.max_delay < 0:
            raise InvalidArgumentError(
                f"retry min_delay and max_delay are seconds and cannot be negative, got "
                f"{self.min_delay!r} and {self.max_delay!r}"
            )
        if self.factor < 1:
            raise InvalidArgumentError(f"retry factor must be at least 1, got {self.factor}")

    def updated(self, **changes: Any) -> RetryPolicy:
        return replace(self, **changes) if changes else self

    def can_retry(self, attempt: int) -> bool:
        """Whether another attempt may follow attempt number ``attempt`` (1-based)."""
        return attempt < self.max_attempts

    def backoff(self, attempt: int) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (1-based)."""
        scale = random.uniform(1, 2) if self.randomize else 1.0
        wait = min(self.max_delay, scale * self.min_delay * self.factor ** (attempt - 1))
        return round(wait * 1000) / 1000  # whole milliseconds, as the official client waits

    def wait_after_status(self, status: int, headers: Mapping[str, str], attempt: int) -> float | None:
        """Seconds to wait before retrying a response with this status, or None for no retry.

        A wait longer than `MAX_SERVER_REQUESTED_WAIT` is returned as it is; the caller turns
        it into an error rather than sleeping.
        """
        if not self.can_retry(attempt):
            return None
        hint = headers.get("x-should-retry", "").strip().lower()
        if hint == "false":
            return None
        if status == 429:
            requested = requested_wait(headers)
            return self.backoff(attempt) if requested is None else requested
        if hint == "true" or status in _RETRIED_STATUSES or status >= 500:
            return self.backoff(attempt)
        return None


def requested_wait(headers: Mapping[str, str], now: float | None = None) -> float | None:
    """The wait a rate-limited response asks for, in seconds, or None when it does not say.

    ``x-ratelimit-reset`` is an epoch time: milliseconds from the API-wide limiter, seconds
    from the batch limiter (which also sends ``Retry-After``). ``Retry-After`` is seconds or
    an HTTP date. Both are rounded up to whole seconds by the batch limiter, each from its
    own starting point, so when both are given the earlier end is the one to wait for.
    """
    now = time.time() if now is None else now
    waits = []
    reset = _number(headers.get("x-ratelimit-reset"))
    if reset is not None:
        reset_seconds = reset / 1000 if reset > 1e11 else reset
        if reset_seconds > now:
            waits.append(reset_seconds - now)
    retry_after = headers.get("retry-after")
    if retry_after:
        seconds = _number(retry_after)
        if seconds is None:
            import email.utils  # only for the rare HTTP-date form

            try:
                seconds = email.utils.parsedate_to_datetime(retry_after).timestamp() - now
            except (TypeError, ValueError, IndexError):
                seconds = None
        if seconds is not None:
            waits.append(max(seconds, 0.0))
    return min(waits) if waits else None


def _number(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if number == number and number not in (float("inf"), float("-inf")) else None

# Runtime source of trigger_dev: codegen.py copies it into generated/trigger_dev/ unchanged.
"""Retrieving something until it has finished, as steps (`steps`): the loop and the checks of
``interval`` and ``timeout`` that `runs.poll` and `bulk_actions.poll` share, each bringing its
own retrieve call, idea of finished and timeout error."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, TypeVar

from .._wire.validation import check_seconds
from .steps import Pause, Request, Steps

if TYPE_CHECKING:
    from .._wire.operation import Operation
    from .options import RequestOptions

__all__ = ["Poll"]

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Poll(Generic[T]):
    """What a poll retrieves (``operation``, its id in the argument ``id_arg``), the method's
    ``name`` for argument errors, when what it retrieved has ``finished``, and the error it
    raises once it has ``timed_out`` (given the last answer and the seconds waited)."""

    operation: Operation[T]
    id_arg: str
    name: str
    finished: Callable[[T], bool]
    timed_out: Callable[[T, float], Exception]

    def steps(
        self, id_value: str, interval: float, timeout: float | None, request_options: RequestOptions | None
    ) -> Steps[T]:
        """Retrieve every ``interval`` seconds until finished, and return the last answer; when
        the next wait would end after ``timeout`` seconds (None: no limit), raise instead."""
        check_seconds(interval, f"{self.name}() interval")
        check_seconds(timeout, f"{self.name}() timeout", optional=True)
        args = {self.id_arg: id_value}
        started = time.monotonic()
        while True:
            value: T = (yield Request(self.operation, args, request_options)).parse()
            if self.finished(value):
                return value
            waited = time.monotonic() - started
            if timeout is not None and waited + interval > timeout:
                raise self.timed_out(value, waited)
            yield Pause(interval)

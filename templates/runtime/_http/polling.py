# Runtime source of trigger_dev: codegen.py copies it into generated/trigger_dev/ unchanged.
"""Retrieving something until it has finished, as steps (`steps`): the loop that `runs.poll`
and `bulk_actions.poll` share, each bringing its own retrieve call, argument checks, idea of
finished and timeout error."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, TypeVar

from .steps import Pause, Request, Steps

if TYPE_CHECKING:
    from .._wire.operation import Operation
    from .options import RequestOptions

__all__ = ["Poll"]

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Poll(Generic[T]):
    """What a poll retrieves (``operation``, its id in the argument ``id_arg``), how it checks
    ``interval`` and ``timeout`` before anything is sent, when what it retrieved has
    ``finished``, and the error it raises once it has ``timed_out`` (given the last answer
    and the seconds waited)."""

    operation: Operation[T]
    id_arg: str
    check: Callable[[float, float | None], None]
    finished: Callable[[T], bool]
    timed_out: Callable[[T, float], Exception]

    def steps(
        self, id_value: str, interval: float, timeout: float | None, request_options: RequestOptions | None
    ) -> Steps[T]:
        """Retrieve every ``interval`` seconds until finished, and return the last answer; when
        the next wait would end after ``timeout`` seconds (None: no limit), raise instead."""
        self.check(interval, timeout)
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

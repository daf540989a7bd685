# Runtime source of trigger_dev: codegen.py copies it into generated/trigger_dev/ unchanged.
"""What a protocol core written once asks a client to do, so that the sync and the async
client both carry it out: a core is a generator that yields these steps and gets each
step's result (or the error it raised) sent back in. `SyncAPIClient.run` and
`AsyncAPIClient.run` are the two drivers (`Runner`): each carries out the step a `Stepper`
holds, and the `Stepper` does the rest; the cores never touch I/O themselves.
"""

from __future__ import annotations

from collections.abc import Generator, Mapping
from typing import TYPE_CHECKING, Any, Generic, NamedTuple, Protocol, TypeVar

from .messages import Outgoing

if TYPE_CHECKING:
    from .._wire.operation import Operation
    from .options import RequestOptions

__all__ = ["Pause", "Request", "Runner", "Send", "Step", "StepMethods", "Stepper", "Steps"]

T = TypeVar("T")
T_contra = TypeVar("T_contra", contravariant=True)
R_co = TypeVar("R_co", covariant=True)
R = TypeVar("R")


class Pause(NamedTuple):
    """Wait this many seconds (sent back: None)."""

    seconds: float


class Request(NamedTuple):
    """Make one SDK call, retried as configured (sent back: its `RawResponse`)."""

    operation: Operation[Any]
    args: Mapping[str, Any]
    request_options: RequestOptions | None


class Send(NamedTuple):
    """Send one prepared request, retried as configured (sent back: the `Received`); used
    for the object store, whose presigned URLs are not operations."""

    outgoing: Outgoing


Step = Pause | Request | Send
Steps = Generator[Step, Any, T]


class Stepper:
    """A core being carried out, step by step (all but the I/O of a driver's loop). While
    `advance()` is true, `step` is what the core asks for: the driver carries it out and
    sets `answer` to its result, or hands the error it raised to `failed`. Once `advance()`
    is false, `result` is what the core returned."""

    __slots__ = ("_steps", "step", "answer", "_failure", "result")

    def __init__(self, steps: Steps[Any]) -> None:
        self._steps = steps
        self.answer: Any = None
        self._failure: Exception | None = None
        self.result: Any = None

    def advance(self) -> bool:
        """Send the last step's result or error in; false once the core has returned."""
        failure, answer = self._failure, self.answer
        self._failure = self.answer = None
        try:
            self.step: Step = self._steps.throw(failure) if failure is not None else self._steps.send(answer)
        except StopIteration as done:
            self.result = done.value
            return False
        return True

    def failed(self, error: Exception) -> None:
        """The step raised ``error``: the core gets it at the next `advance()`."""
        if isinstance(error, (StopIteration, StopAsyncIteration)):
            # A generator cannot take these (PEP 479): they end the caller's loop, as a
            # direct call would.
            raise error
        self._failure = error


class Runner(Protocol[T_contra, R_co]):
    """A client that carries out a core returning ``T_contra``: `SyncAPIClient`, whose `run`
    returns that result (``R_co`` is ``T_contra``), or `AsyncAPIClient`, whose `run` returns a
    coroutine giving it. A method written once for both clients types its client so, and
    returns what `run` returns."""

    def run(self, steps: Steps[T_contra], /) -> R_co: ...


class StepMethods(Generic[T, R]):
    """Base of a namespace's methods written once for both clients: a method builds its core
    as steps (returning ``T``) and returns ``self._client.run(steps)``, which is ``R``: the
    result itself with `SyncAPIClient`, a coroutine to await with `AsyncAPIClient`. Each
    client's class says which client it holds (``_client: SyncAPIClient``), and a type
    checker holds that client to `Runner` ``[T, R]``."""

    if TYPE_CHECKING:
        # Read-only for type checkers, so that each subclass may name its own client.
        @property
        def _client(self) -> Runner[T, R]: ...

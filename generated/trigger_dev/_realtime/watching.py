# Copied by codegen.py from templates/runtime/_realtime/watching.py (sha256 7609eb51e10973d7); edit that file, not this one.
"""Waiting for runs: `runs.poll` (retrieve until the run has finished). The realtime
subscriptions and output streams are in `subscriptions` and `output_streams`; this module
mixes them into the `runs` namespace."""

from __future__ import annotations

from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any, TypeVar

from .. import _operations as operations
from .._exceptions import PollTimeoutError
from .._http.polling import Poll
from .._http.steps import StepMethods
from ..models import Run
from .output_streams import AsyncOutputStreams, OutputStreams
from .subscriptions import AsyncRealtimeSubscriptions, RealtimeSubscriptions

if TYPE_CHECKING:
    from .._async_base_client import AsyncAPIClient
    from .._base_client import SyncAPIClient
    from .._http.options import RequestOptions

__all__ = ["AsyncRunsWatching", "RunsWatching", "is_finished"]

DEFAULT_INTERVAL = 1.0
"""Seconds between two retrieves, as the official SDK polls."""
DEFAULT_TIMEOUT = 600.0
# The server's isCompleted leaves these out, though neither ever changes again: the official
# SDK's poll spins on them until it gives up. Here they end the wait.
_FINAL_WITHOUT_COMPLETED_FLAG = frozenset({"EXPIRED", "TIMED_OUT"})


def is_finished(run: Run) -> bool:
    """Whether the run will not change any more: the API's ``isCompleted`` (completed,
    cancelled, failed, crashed, system failure), or expired, or timed out."""
    return run.is_completed or str(run.status) in _FINAL_WITHOUT_COMPLETED_FLAG


def _timed_out(run: Run, waited: float) -> PollTimeoutError:
    return PollTimeoutError(
        f"runs.poll: run {run.id} had not finished after {waited:.1f} s (last status {run.status}); "
        "pass a larger timeout, or timeout=None to wait as long as it takes",
        run_id=run.id,
        status=str(run.status),
        waited=waited,
    )


_POLL = Poll(operations.RUNS_RETRIEVE, "run_id", "runs.poll", is_finished, _timed_out)


RunT = TypeVar("RunT")  # a Run, or (async) the coroutine that gives one


class _PollMethods(StepMethods[Run, RunT]):
    """`runs.poll`, written once for both clients: the retrieves are a core written as
    steps, which the client carries out (the async one returns a coroutine to await)."""

    def poll(
        self,
        run_id: str,
        *,
        interval: float = DEFAULT_INTERVAL,
        timeout: float | None = DEFAULT_TIMEOUT,
        request_options: RequestOptions | None = None,
    ) -> RunT:
        """Retrieve the run every ``interval`` seconds until it has finished, and return it.

        Finished means the API's completed flag (completed, cancelled, failed, crashed,
        system failure), or expired, or timed out. `PollTimeoutError` after ``timeout``
        seconds (None: no limit). Each retrieve retries as the client is configured to,
        rate limits included; a `RateLimitError` asking for a longer wait than the client
        sleeps ends the poll.
        """
        return self._client.run(_POLL.steps(run_id, interval, timeout, request_options))


class RunsWatching(RealtimeSubscriptions, OutputStreams, _PollMethods[Run]):
    """Methods of `runs` written by hand: waiting for a run, following it as it changes,
    reading its output streams."""

    _client: SyncAPIClient


class AsyncRunsWatching(
    AsyncRealtimeSubscriptions, AsyncOutputStreams, _PollMethods[Coroutine[Any, Any, Run]]
):
    """`RunsWatching` for `AsyncTriggerClient`: the same methods, awaited; the waits do not
    block the event loop."""

    _client: AsyncAPIClient

# Copied by codegen.py from templates/runtime/_bulk/actions.py (sha256 333dbbfcb7eb6d63); edit that file, not this one.
"""Waiting for bulk actions: `bulk_actions.poll` (retrieve until the action has finished),
written once as steps for both clients, the hand-written half of the `bulk_actions`
namespace."""

from __future__ import annotations

from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any, TypeVar

from .. import _operations as operations
from .._exceptions import PollTimeoutError
from .._http.polling import Poll
from .._http.steps import StepMethods
from ..models import BulkAction

if TYPE_CHECKING:
    from .._async_base_client import AsyncAPIClient
    from .._base_client import SyncAPIClient
    from .._http.options import RequestOptions

__all__ = ["AsyncBulkActionsWatching", "BulkActionsWatching", "is_finished"]

DEFAULT_INTERVAL = 2.0
"""Seconds between two retrieves: a bulk action works through its runs in pages."""
DEFAULT_TIMEOUT = 600.0
_FINAL_STATUSES = frozenset({"COMPLETED", "ABORTED"})


def is_finished(action: BulkAction) -> bool:
    """Whether the bulk action will not change any more: completed or aborted, or it has a
    completion time (a final status this SDK does not know yet)."""
    return str(action.status) in _FINAL_STATUSES or action.completed_at is not None


def _timed_out(action: BulkAction, waited: float) -> PollTimeoutError:
    counts = action.counts
    return PollTimeoutError(
        f"bulk_actions.poll: bulk action {action.id} had not finished after {waited:.1f} s "
        f"({counts.success + counts.failure} of {counts.total} runs done); pass a larger "
        "timeout, or timeout=None to wait as long as it takes",
        bulk_action_id=action.id,
        status=str(action.status),
        waited=waited,
    )


_POLL = Poll(operations.BULK_ACTIONS_RETRIEVE, "bulk_action_id", "bulk_actions.poll", is_finished, _timed_out)


ActionT = TypeVar("ActionT")  # a BulkAction, or (async) the coroutine that gives one


class _PollMethods(StepMethods[BulkAction, ActionT]):
    """`bulk_actions.poll`, written once for both clients: the retrieves are a core written
    as steps, which the client carries out (the async one returns a coroutine to await)."""

    def poll(
        self,
        bulk_action_id: str,
        *,
        interval: float = DEFAULT_INTERVAL,
        timeout: float | None = DEFAULT_TIMEOUT,
        request_options: RequestOptions | None = None,
    ) -> ActionT:
        """Retrieve the bulk action every ``interval`` seconds until it has finished (completed
        or aborted), and return it.

        `PollTimeoutError` (with ``bulk_action_id``) after ``timeout`` seconds (None: no
        limit). Each retrieve retries as the client is configured to; a `NotFoundError` ends
        the poll at once.
        """
        return self._client.run(_POLL.steps(bulk_action_id, interval, timeout, request_options))


class BulkActionsWatching(_PollMethods[BulkAction]):
    """Methods of `bulk_actions` written by hand: waiting for an action to finish."""

    _client: SyncAPIClient


class AsyncBulkActionsWatching(_PollMethods[Coroutine[Any, Any, BulkAction]]):
    """`BulkActionsWatching` for `AsyncTriggerClient`: the same method, awaited; the waits do
    not block the event loop."""

    _client: AsyncAPIClient

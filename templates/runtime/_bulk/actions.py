# Runtime source of trigger_dev: codegen.py copies it into generated/trigger_dev/ unchanged.
"""Waiting for bulk actions: `bulk_actions.poll` (retrieve until the action has finished),
written once as steps for both clients, the hand-written half of the `bulk_actions`
namespace."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from .. import _operations as operations
from .._exceptions import InvalidArgumentError, PollTimeoutError
from .._http.steps import Pause, Request, Steps

if TYPE_CHECKING:
    from .._async_base_client import AsyncAPIClient
    from .._base_client import SyncAPIClient
    from .._http.options import RequestOptions
    from ..models import BulkAction

__all__ = ["AsyncBulkActionsWatching", "BulkActionsWatching", "is_finished"]

DEFAULT_INTERVAL = 2.0
"""Seconds between two retrieves: a bulk action works through its runs in pages."""
DEFAULT_TIMEOUT = 600.0
_FINAL_STATUSES = frozenset({"COMPLETED", "ABORTED"})


def is_finished(action: BulkAction) -> bool:
    """Whether the bulk action will not change any more: completed or aborted, or it has a
    completion time (a final status this SDK does not know yet)."""
    return str(action.status) in _FINAL_STATUSES or action.completed_at is not None


def _check(interval: float, timeout: float | None) -> None:
    if isinstance(interval, bool) or not isinstance(interval, (int, float)) or not interval > 0:
        raise InvalidArgumentError(
            f"bulk_actions.poll() interval must be a positive number of seconds, got {interval!r}"
        )
    if timeout is not None and (
        isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not timeout > 0
    ):
        raise InvalidArgumentError(
            f"bulk_actions.poll() timeout must be a positive number of seconds or None, got {timeout!r}"
        )


class BulkActionsWatching:
    """Methods of `bulk_actions` written by hand: waiting for an action to finish."""

    _client: SyncAPIClient

    def poll(
        self,
        bulk_action_id: str,
        *,
        interval: float = DEFAULT_INTERVAL,
        timeout: float | None = DEFAULT_TIMEOUT,
        request_options: RequestOptions | None = None,
    ) -> BulkAction:
        """Retrieve the bulk action every ``interval`` seconds until it has finished (completed
        or aborted), and return it.

        `PollTimeoutError` (with ``bulk_action_id``) after ``timeout`` seconds (None: no
        limit). Each retrieve retries as the client is configured to; a `NotFoundError` ends
        the poll at once.
        """
        return self._client.run(_poll_steps(bulk_action_id, interval, timeout, request_options))


class AsyncBulkActionsWatching:
    """`BulkActionsWatching` for `AsyncTriggerClient`: the same method, awaited."""

    _client: AsyncAPIClient

    async def poll(
        self,
        bulk_action_id: str,
        *,
        interval: float = DEFAULT_INTERVAL,
        timeout: float | None = DEFAULT_TIMEOUT,
        request_options: RequestOptions | None = None,
    ) -> BulkAction:
        """See `BulkActionsWatching.poll`; the waits do not block the event loop."""
        return await self._client.run(_poll_steps(bulk_action_id, interval, timeout, request_options))


def _poll_steps(
    bulk_action_id: str, interval: float, timeout: float | None, request_options: RequestOptions | None
) -> Steps[BulkAction]:
    """Retrieve the bulk action until it has finished (see `BulkActionsWatching.poll`), as steps."""
    _check(interval, timeout)
    started = time.monotonic()
    while True:
        action = (
            yield Request(
                operations.BULK_ACTIONS_RETRIEVE, {"bulk_action_id": bulk_action_id}, request_options
            )
        ).parse()
        if is_finished(action):
            return action  # type: ignore[no-any-return]
        waited = time.monotonic() - started
        if timeout is not None and waited + interval > timeout:
            counts = action.counts
            raise PollTimeoutError(
                f"bulk_actions.poll: bulk action {action.id} had not finished after {waited:.1f} s "
                f"({counts.success + counts.failure} of {counts.total} runs done); pass a larger "
                "timeout, or timeout=None to wait as long as it takes",
                bulk_action_id=action.id,
                status=str(action.status),
                waited=waited,
            )
        yield Pause(interval)

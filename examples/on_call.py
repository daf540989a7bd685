"""On call: which errors are new since a given time, and pause a task's queue while you look.

    python examples/on_call.py --since 2025-01-01T00:00:00Z
    python examples/on_call.py --since 2025-01-01T00:00:00Z --pause send-welcome-email

An error group is new when it was first seen at or after ``--since``. The listing covers at
most one page of 100 groups, newest first, and says when there are more. ``--pause`` stops
the task's queue from starting runs (runs already executing finish; resume it with
examples/pause_queue.py --resume). Uses TRIGGER_SECRET_KEY and TRIGGER_API_URL (`make demo`
serves a mock).
"""

from __future__ import annotations

import argparse
import datetime
import sys

import trigger_dev


def instant(text: str) -> datetime.datetime:
    """An ISO 8601 time with its offset (``Z`` for UTC)."""
    try:
        value = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not an ISO 8601 time such as 2025-01-01T00:00:00Z"
        ) from None
    if value.tzinfo is None:
        raise argparse.ArgumentTypeError(f"{text!r} has no offset: add Z for UTC")
    return value


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--since", type=instant, required=True, help="ISO 8601 time, such as 2025-01-01T00:00:00Z"
    )
    parser.add_argument("--pause", metavar="TASK", help="pause this task's queue")
    args = parser.parse_args(argv)

    page = trigger_dev.errors.list(from_=args.since, status=["unresolved"], limit=100)
    new = [group for group in page.data if group.first_seen >= args.since]
    print(f"{len(new)} new error group(s) since {args.since.isoformat()}")
    for group in new:
        print(
            f"  {group.task_identifier}: {group.error_type}: {group.error_message} ({group.count}x, id {group.id})"
        )
    if page.has_next_page():
        print("  (more on the next page: narrow --since, or list with errors.list)")

    if args.pause:
        try:
            queue = trigger_dev.queues.pause(args.pause, type="task")
        except trigger_dev.NotFoundError:
            print(f"no queue for task {args.pause!r} in this environment", file=sys.stderr)
            return 1
        print(f"paused {queue.name}: {queue.queued} queued, {queue.running} running")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

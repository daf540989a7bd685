"""Pause a task's queue during an incident, and resume it afterwards.

    python examples/pause_queue.py send-welcome-email             # stop starting runs
    python examples/pause_queue.py send-welcome-email --limit 2   # or throttle to 2 at once
    python examples/pause_queue.py send-welcome-email --resume    # back to normal

Pausing stops the queue from starting runs; runs already executing finish, and new triggers
keep queueing until it is resumed. Throttling overrides the concurrency limit until
`--resume`, which resumes the queue and puts its own limit back. Uses TRIGGER_SECRET_KEY
(the environment whose queue it is) and TRIGGER_API_URL (`make demo` serves a mock).
"""

from __future__ import annotations

import argparse
import sys

import trigger_dev
from trigger_dev.models import Queue


def describe(queue: Queue) -> str:
    limit = "the environment's limit" if queue.concurrency_limit is None else queue.concurrency_limit
    return f"{queue.name} ({queue.id}): {queue.queued} queued, {queue.running} running, limit {limit}"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("task", help="the task whose queue to act on")
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--resume", action="store_true", help="resume the queue and reset its limit")
    action.add_argument("--limit", type=int, help="throttle to this many runs at once instead of pausing")
    args = parser.parse_args(argv)

    try:
        if args.resume:
            queue = trigger_dev.queues.resume(args.task, type="task")
            if queue.concurrency is not None and queue.concurrency.override is not None:
                queue = trigger_dev.queues.reset_concurrency_limit(args.task, type="task")
            print(f"resumed {describe(queue)}")
        elif args.limit is not None:
            queue = trigger_dev.queues.override_concurrency_limit(
                args.task, type="task", concurrency_limit=args.limit
            )
            print(f"throttled {describe(queue)}")
        else:
            queue = trigger_dev.queues.pause(args.task, type="task")
            print(f"paused {describe(queue)}")
    except trigger_dev.NotFoundError:
        print(f"no queue for task {args.task!r} in this environment", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

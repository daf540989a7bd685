# Copied by codegen.py from templates/runtime/_cli/run_filters.py (sha256 18bd75059bc846ae); edit that file, not this one.
"""The options of `runs.list`, one per keyword argument (``runs list`` and ``runs
bulk-cancel`` share them). Each option's name is the keyword's, except ``--page-size``,
which is `runs.list`'s ``limit`` (``--limit`` is how many runs to read in all);
tests/test_cli_commands.py compares them with `runs.list`'s signature."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from trigger_dev import models

from .params import Time, choice_of

F = TypeVar("F", bound=Callable[..., Any])

KEYWORDS = {"page_size": "limit"}
"""Option name -> `runs.list` keyword, where they differ."""

_OPTIONS: list[Callable[[Any], Any]] = [
    click.option(
        "--status",
        "status",
        multiple=True,
        type=choice_of(models.RunStatusFilter),
        help="Only runs with this status (repeat for several).",
    ),
    click.option("--task", "task_identifier", multiple=True, metavar="TASK", help="Only runs of this task (repeatable)."),
    click.option("--version", "version", multiple=True, metavar="VERSION", help="Only runs on this deployed version (repeatable)."),
    click.option("--tag", "tag", multiple=True, metavar="TAG", help="Only runs carrying this tag (repeatable: any of them)."),
    click.option("--queue", "queue", multiple=True, metavar="QUEUE", help="Only runs on this queue; a task's own queue is task/<task> (repeatable)."),
    click.option("--machine", "machine", multiple=True, type=choice_of(models.MachinePreset), help="Only runs on this machine preset (repeatable)."),
    click.option("--region", "region", multiple=True, metavar="REGION", help="Only runs executed in this region (repeatable)."),
    click.option("--bulk-action", "bulk_action", metavar="ID", help="Only runs touched by this bulk action (bulk_...)."),
    click.option("--schedule", "schedule", metavar="ID", help="Only runs started by this schedule (sched_...)."),
    click.option("--batch", "batch", metavar="ID", help="Only runs of this batch (batch_...)."),
    click.option("--test/--no-test", "is_test", default=None, help="Only test runs, or only runs that are not tests."),
    click.option("--from", "from_", type=Time(), help="Only runs created at or after this time (ISO 8601 or Unix seconds)."),
    click.option("--to", "to", type=Time(), help="Only runs created at or before this time (ISO 8601 or Unix seconds)."),
    click.option("--period", "period", metavar="DURATION", help="Only runs created in this window ending now: 30m, 2h, 7d. Without --period, --from or --to the server shows the last 7 days."),
    click.option("--project-ref", "project_ref", metavar="REF", help="The project (proj_...), with a personal access token (default: the profile's or TRIGGER_PROJECT_REF)."),
    click.option("--env", "env", type=choice_of(models.RunsEnvironmentSlug), help="The environment, with a personal access token."),
    click.option("--after", "after", metavar="CURSOR", help="Start after this cursor (a page's pagination.next)."),
    click.option("--before", "before", metavar="CURSOR", help="Start before this cursor (a page's pagination.previous)."),
    click.option("--page-size", "page_size", type=click.IntRange(1, 100), help="Runs per request, 1 to 100 (default: --limit, at most 100)."),
]  # fmt: skip

NAMES = ("status", "task_identifier", "version", "tag", "queue", "machine", "region", "bulk_action", "schedule",
         "batch", "is_test", "from_", "to", "period", "project_ref", "env", "after", "before", "page_size")  # fmt: skip


def run_filters(function: F) -> F:
    """Add every `runs.list` option to a command."""
    for option in reversed(_OPTIONS):
        function = option(function)
    return function


def take_filters(options: dict[str, Any]) -> dict[str, Any]:
    """Remove the `runs.list` options from a command's ``options``; the keywords given."""
    chosen: dict[str, Any] = {}
    for name in NAMES:
        value = options.pop(name, None)
        if value is None or value == ():
            continue
        chosen[KEYWORDS.get(name, name)] = list(value) if isinstance(value, tuple) else value
    return chosen

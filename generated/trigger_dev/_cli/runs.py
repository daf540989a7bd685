# Copied by codegen.py from templates/runtime/_cli/runs.py (sha256 b5f34a035fcb4628); edit that file, not this one.
"""``trigger-dev runs``: list (every filter of `runs.list`), get, cancel, replay, watch, and
cancel in bulk by filter."""

from __future__ import annotations

import contextlib
import itertools
import sys
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

import trigger_dev
from trigger_dev import models

from .errors import API_ERROR, OK, UsageProblem, report
from .output import Column, Output, compact, duration, status_style
from .run_filters import run_filters, take_filters
from .session import Session, common
from .watch import watch

F = TypeVar("F", bound=Callable[..., Any])

FINISHED = frozenset(
    {"COMPLETED", "CANCELED", "FAILED", "CRASHED", "INTERRUPTED", "SYSTEM_FAILURE", "EXPIRED", "TIMED_OUT"}
)
"""Statuses a run does not leave; `runs bulk-cancel` leaves them out unless ``--status`` names them."""
# The `runs.list` keywords that say where to look rather than which runs: every other one
# narrows a bulk cancel down (a filter added to run_filters counts without a change here).
_WHERE = frozenset({"project_ref", "env", "after", "before", "limit"})

LIST_COLUMNS: list[Column[models.ListRunItem]] = [
    Column("ID", lambda run: run.id),
    Column("STATUS", lambda run: run.status, status_style),
    Column("TASK", lambda run: run.task_identifier),
    Column("CREATED", lambda run: run.created_at),
    Column("DURATION", lambda run: duration(run.duration_ms)),
    Column("VERSION", lambda run: run.version),
    Column("TAGS", lambda run: run.tags),
]


@click.group()
def runs() -> None:
    """Find, inspect, cancel, replay and watch runs."""


def _limit_option(default: int | None, help: str) -> Callable[[F], F]:
    return click.option(
        "--limit", type=click.IntRange(min=1), default=default, show_default=default is not None, help=help
    )


def _matching(
    session: Session, client: trigger_dev.TriggerClient, filters: dict[str, Any], limit: int | None
) -> Iterator[models.ListRunItem]:
    """The runs ``filters`` select, newest first, fetching a page only when the one before is used up."""
    if (
        client.credential_kind == "personal access token"
        and "project_ref" not in filters
        and session.settings.project_ref
    ):
        filters["project_ref"] = session.settings.project_ref
    if "limit" not in filters:
        filters["limit"] = 100 if limit is None else min(limit, 100)
    page = client.runs.list(**filters)
    return iter(page) if limit is None else itertools.islice(page, limit)


@runs.command("list")
@run_filters
@_limit_option(50, "Show at most this many runs (pages are fetched only as needed).")
@click.option("--all", "read_all", is_flag=True, help="Show every matching run instead of --limit.")
@common(lists=True)
def list_runs(session: Session, *, limit: int, read_all: bool, **options: Any) -> int:
    """List runs, newest first.

    Without --period, --from or --to the server lists the last 7 days. With a personal
    access token, --project-ref and --env say which environment.
    """
    context = click.get_current_context()
    if read_all and context.get_parameter_source("limit") is not click.core.ParameterSource.DEFAULT:
        raise click.UsageError("--all and --limit cannot be used together", context)
    filters = take_filters(options)
    with session.client() as client:
        found = session.output.items(
            _matching(session, client, filters, None if read_all else limit),
            LIST_COLUMNS,
            lambda run: run.to_dict(),
        )
    if not found and session.output.human:
        session.output.note("No runs match.")
    return OK


@runs.command("get")
@click.argument("run_id")
@common()
def get_run(session: Session, run_id: str) -> int:
    """Show one run: status, times, attempts, error and output."""
    with session.client() as client:
        run = client.runs.retrieve(run_id)
    if not session.output.human:
        session.output.document(run.to_dict())
        return OK
    status = str(getattr(run.status, "value", run.status))
    error = f"{run.error.name or 'Error'}: {run.error.message}" if run.error is not None else None
    session.output.fields(
        [
            ("id", run.id),
            ("status", status),
            ("task", run.task_identifier),
            ("version", run.version),
            ("tags", run.tags),
            ("created", run.created_at),
            ("started", run.started_at),
            ("finished", run.finished_at),
            ("duration", duration(run.duration_ms)),
            ("attempts", run.attempt_count),
            (
                "cost",
                f"{(run.cost_in_cents + run.base_cost_in_cents) / 100:.4f} USD"
                if run.cost_in_cents
                else None,
            ),
            ("idempotency key", run.idempotency_key),
            ("batch", run.batch_id),
            ("error", error),
            ("output", compact(run.output)),
        ],
        styles={"status": status_style(status), "error": "red"},
    )
    return OK


@runs.command("cancel")
@click.argument("run_ids", nargs=-1, required=True, metavar="RUN_ID...")
@common()
def cancel(session: Session, run_ids: tuple[str, ...]) -> int:
    """Cancel runs by id; a run that has finished cannot be cancelled."""
    cancelled: list[str] = []
    failed: list[dict[str, str]] = []
    with session.client() as client:
        for run_id in run_ids:
            try:
                client.runs.cancel(run_id)
            except trigger_dev.ApiError as error:
                report(str(error))
                failed.append({"id": run_id, "error": str(error)})
                continue
            cancelled.append(run_id)
            session.output.say(f"Cancelled {run_id}")
    if not session.output.human:
        session.output.document({"cancelled": cancelled, "failed": failed})
    return API_ERROR if failed else OK


@runs.command("replay")
@click.argument("run_id")
@common()
def replay(session: Session, run_id: str) -> int:
    """Run a run's task again with the same payload; prints the new run's id."""
    with session.client() as client:
        new = client.runs.replay(run_id)
    if session.output.human:
        session.output.say(new.id)
    else:
        session.output.document({"id": new.id, "replayed": run_id})
    return OK


@runs.command("watch")
@click.argument("run_id")
@click.option(
    "--exit-status",
    is_flag=True,
    help="Exit with status 3 when the run finishes without succeeding (failed, crashed, cancelled, ...).",
)
@common(lists=True)
def watch_run(session: Session, run_id: str, *, exit_status: bool) -> int:
    """Follow a run live until it finishes (Ctrl-C stops watching; the run goes on)."""
    with session.client() as client:
        return watch(client, session.output, run_id, exit_status=exit_status)


@runs.command("bulk-cancel")
@run_filters
@_limit_option(None, "Cancel at most this many of the matching runs (the newest first).")
@click.option(
    "--yes", "-y", is_flag=True, help="Do not ask for confirmation (needed when stdin is not a terminal)."
)
@common()
def bulk_cancel(session: Session, *, limit: int | None, yes: bool, **options: Any) -> int:
    """Cancel every run the filters select, with a progress bar.

    Takes the filters of `runs list`; at least one of them is required. Without --status
    only runs that have not finished are selected. Exits 1 if any run could not be cancelled.
    """
    filters = take_filters(options)
    if not set(filters) - _WHERE:
        raise click.UsageError(
            "bulk-cancel needs at least one filter (--status, --task, --tag, --queue, --period, ...)",
            click.get_current_context(),
        )
    filters.setdefault(
        "status", [status.value for status in models.RunStatusFilter if status.value not in FINISHED]
    )
    output = session.output
    with session.client() as client:
        with (
            output.error_console.status("Finding runs...")
            if output.error_console.is_terminal
            else contextlib.nullcontext()
        ):
            chosen = [run.id for run in _matching(session, client, filters, limit)]
        if not chosen:
            output.note("No runs match.")
            if not output.human:
                output.document({"matched": 0, "cancelled": [], "failed": []})
            return OK
        if not yes:
            if not sys.stdin.isatty():
                raise UsageProblem(
                    f"{len(chosen)} runs match; pass --yes to cancel them without a confirmation"
                )
            if not click.confirm(f"Cancel {len(chosen)} runs?", default=False, err=True):
                output.note("Nothing was cancelled.")
                return OK
        cancelled: list[str] = []
        failed: list[dict[str, str]] = []
        try:
            _cancel_each(client, output, chosen, cancelled, failed)
        except KeyboardInterrupt:
            output.note(f"Interrupted after cancelling {len(cancelled)} of {len(chosen)} runs.")
            raise
    for failure in failed:
        report(failure["error"])
    if output.human:
        output.say(
            f"Cancelled {len(cancelled)} of {len(chosen)} runs."
            + (f" {len(failed)} failed." if failed else "")
        )
    else:
        output.document({"matched": len(chosen), "cancelled": cancelled, "failed": failed})
    return API_ERROR if failed else OK


def _cancel_each(
    client: trigger_dev.TriggerClient,
    output: Output,
    run_ids: list[str],
    cancelled: list[str],
    failed: list[dict[str, str]],
) -> None:
    """Cancel each run, noting what happened; a progress bar on stderr when it is a terminal."""
    progress = None
    if output.error_console.is_terminal:
        progress = Progress(
            TextColumn("Cancelling"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=output.error_console,
        )
    with progress if progress is not None else contextlib.nullcontext():
        task = progress.add_task("cancel", total=len(run_ids)) if progress is not None else None
        for run_id in run_ids:
            try:
                client.runs.cancel(run_id)
                cancelled.append(run_id)
            except trigger_dev.ApiError as error:
                failed.append({"id": run_id, "error": str(error)})
            if progress is not None and task is not None:
                progress.advance(task)

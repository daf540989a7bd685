# Runtime source of trigger_dev: codegen.py copies it into generated/trigger_dev/ unchanged.
"""``runs watch``: one run followed over the realtime subscription until it finishes: a
live view on a terminal, a tab-separated line per change otherwise, a JSON object per
change with ``--ndjson``, the finished run as one document with ``--json``."""

from __future__ import annotations

from typing import Any

from rich.console import Group
from rich.live import Live
from rich.table import Table
from rich.text import Text

import trigger_dev
from trigger_dev import models

from .errors import OK, RUN_UNSUCCESSFUL
from .output import Output, compact, duration, status_style, text, when


def watch(client: trigger_dev.TriggerClient, output: Output, run_id: str, *, exit_status: bool) -> int:
    """Follow ``run_id`` until it has finished; the exit status (`RUN_UNSUCCESSFUL` with
    ``exit_status`` when the run did not succeed)."""
    last: models.RealtimeRun | None = None
    with client.runs.subscribe_to_run(run_id) as subscription:
        if output.human and output.terminal:
            with Live(
                Text(f"Waiting for {run_id}...", style="dim"), console=output.console, auto_refresh=False
            ) as live:
                for last in subscription:
                    live.update(view(last), refresh=True)
        else:
            for last in subscription:
                if output.human:
                    output.say("\t".join(text(value) for value in line(last)))
                elif output.mode == "ndjson":
                    output.document(last.to_dict())
    if output.mode == "json" and last is not None:
        output.document(last.to_dict())  # one document: the run as it finished
    if last is None or not exit_status:
        return OK
    return OK if last.is_success else RUN_UNSUCCESSFUL


def line(run: models.RealtimeRun) -> list[Any]:
    """A change as a tab-separated line: updated, id, status, task, duration, metadata."""
    return [
        when(run.updated_at),
        run.id,
        run.status,
        run.task_identifier,
        duration(run.duration_ms),
        run.metadata,
    ]


def view(run: models.RealtimeRun) -> Group:
    """The live view of a run: a heading line and its fields."""
    status = text(run.status)
    heading = Text.assemble(
        (run.id, "bold"), "  ", (status, status_style(status)), "  ", (run.task_identifier, "")
    )
    table = Table(box=None, show_header=False, pad_edge=False)
    table.add_column(style="bold")
    table.add_column(overflow="fold")
    rows: list[tuple[str, Any]] = [
        ("created", when(run.created_at)),
        ("started", when(run.started_at)),
        ("finished", when(run.finished_at)),
        ("duration", duration(run.duration_ms)),
        ("tags", text(run.tags)),
        ("metadata", compact(run.metadata)),
        ("output", compact(run.output) if run.is_completed else ""),
        ("error", f"{run.error.name or 'Error'}: {run.error.message}" if run.error is not None else ""),
    ]
    for name, value in rows:
        if value:
            table.add_row(name, Text(str(value), style="red" if name == "error" else ""))
    state = "finished" if run.is_completed else "watching (Ctrl-C to stop)"
    return Group(heading, table, Text(state, style="dim"))

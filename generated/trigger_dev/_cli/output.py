# Copied by codegen.py from templates/runtime/_cli/output.py (sha256 61abffc59ac1a7f9); edit that file, not this one.
"""How a command's results are written: tables and colours on a terminal, tab-separated
lines when stdout is a pipe or a file, a JSON document with ``--json``, one JSON object per
line with ``--ndjson``. Colours follow ``NO_COLOR``; progress and questions go to stderr,
so stdout holds only results."""

from __future__ import annotations

import datetime
import enum
import json
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Generic, Literal, TypeVar

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

T = TypeVar("T")
Mode = Literal["human", "json", "ndjson"]

SUCCESS = {"COMPLETED"}
FAILURE = {"FAILED", "CRASHED", "SYSTEM_FAILURE", "TIMED_OUT", "INTERRUPTED"}
STOPPED = {"CANCELED", "EXPIRED"}
RUNNING = {"EXECUTING", "DEQUEUED", "REATTEMPTING"}


def status_style(status: str) -> str:
    """The colour of a run status: green done, red failed, dim stopped, cyan running, yellow waiting."""
    if status in SUCCESS:
        return "green"
    if status in FAILURE:
        return "bold red"
    if status in STOPPED:
        return "dim"
    if status in RUNNING:
        return "cyan"
    return "yellow"


def text(value: Any) -> str:
    """A value as a table cell or a tab-separated field."""
    if value is None:
        return ""
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime.datetime):
        return when(value)
    if isinstance(value, (list, tuple)):
        return ",".join(text(item) for item in value)
    if isinstance(value, dict):
        return json.dumps(value, default=str, separators=(",", ":"))
    return str(value)


def when(value: datetime.datetime | None) -> str:
    """A time in UTC, to the second: ``2026-01-02 03:04:05Z``."""
    if value is None:
        return ""
    if value.tzinfo is not None:
        value = value.astimezone(datetime.timezone.utc)
    return value.strftime("%Y-%m-%d %H:%M:%SZ")


def compact(value: Any, limit: int = 400) -> str:
    """A value as one line of JSON, cut at ``limit`` characters."""
    if value is None:
        return ""
    shown = json.dumps(value, default=str, separators=(",", ":"))
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def duration(milliseconds: float | None) -> str:
    if not milliseconds:
        return ""
    seconds = milliseconds / 1000
    if seconds < 60:
        return f"{seconds:.1f}s"
    minutes, seconds = divmod(int(seconds), 60)
    if minutes < 60:
        return f"{minutes}m{seconds:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m"


class Column(Generic[T]):
    """A column of a list: its header, its cell, and the cell's style (a rich style or None)."""

    def __init__(
        self, header: str, cell: Callable[[T], Any], style: Callable[[str], str | None] | None = None
    ) -> None:
        self.header = header
        self.cell = cell
        self.style = style


class Output:
    """Where and how one command writes its results."""

    def __init__(self, mode: Mode = "human") -> None:
        self.mode = mode
        stdout = sys.stdout
        self.terminal = stdout.isatty()
        self.console = Console(
            file=sys.stdout, force_terminal=self.terminal, force_interactive=self.terminal, highlight=False
        )
        stderr = sys.stderr
        self.error_console = Console(
            file=sys.stderr,
            force_terminal=stderr.isatty(),
            force_interactive=stderr.isatty(),
            highlight=False,
        )

    @property
    def human(self) -> bool:
        return self.mode == "human"

    def document(self, value: Any) -> None:
        """Write ``value`` as one JSON document (``--json``) or one line (``--ndjson``)."""
        if self.mode == "ndjson":
            click.echo(json.dumps(value, default=str, separators=(",", ":")))
        else:
            click.echo(json.dumps(value, default=str, indent=2))

    def items(
        self, items: Iterable[T], columns: Sequence[Column[T]], record: Callable[[T], Mapping[str, Any]]
    ) -> int:
        """Write a list; returns how many items it had. ``items`` is read lazily: NDJSON and
        tab-separated lines are written as each item arrives, a table and a JSON document once
        the list has been read."""
        count = 0
        if self.mode == "ndjson":
            for item in items:
                click.echo(json.dumps(record(item), default=str, separators=(",", ":")))
                count += 1
            return count
        if self.mode == "json":
            collected = [record(item) for item in items]
            self.document(collected)
            return len(collected)
        if not self.terminal:
            for item in items:
                click.echo("\t".join(text(column.cell(item)) for column in columns))
                count += 1
            return count
        table = Table(box=None, header_style="bold", pad_edge=False)
        for column in columns:
            table.add_column(column.header, overflow="fold")
        for item in items:
            cells = []
            for column in columns:
                value = text(column.cell(item))
                style = column.style(value) if column.style else None
                cells.append(Text(value, style=style or ""))
            table.add_row(*cells)
            count += 1
        if count:
            self.console.print(table)
        return count

    def fields(self, pairs: Sequence[tuple[str, Any]], *, styles: Mapping[str, str] | None = None) -> None:
        """One object as ``name value`` lines (a two-column table on a terminal); empty fields are left out."""
        shown = [(name, text(value)) for name, value in pairs if value not in (None, "", [], {})]
        if not self.terminal:
            for name, value in shown:
                click.echo(f"{name}\t{value}")
            return
        table = Table(box=None, show_header=False, pad_edge=False)
        table.add_column(style="bold")
        table.add_column(overflow="fold")
        for name, value in shown:
            table.add_row(name, Text(value, style=(styles or {}).get(name, "")))
        self.console.print(table)

    def say(self, message: str, *, style: str | None = None) -> None:
        """A human-mode line about what was done (nothing with ``--json``/``--ndjson``)."""
        if not self.human:
            return
        if self.terminal:
            self.console.print(Text(message, style=style or ""))
        else:
            click.echo(message)

    def note(self, message: str) -> None:
        """A line for the person at the terminal, on stderr, in every mode."""
        click.echo(message, err=True)

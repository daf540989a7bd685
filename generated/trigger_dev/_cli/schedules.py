# Copied by codegen.py from templates/runtime/_cli/schedules.py (sha256 340ebf91a3d43272); edit that file, not this one.
"""``trigger-dev schedules``: the environment's schedules."""

from __future__ import annotations

import itertools

import click

from trigger_dev import models

from .errors import OK
from .output import Column
from .session import Session, common

COLUMNS: list[Column[models.Schedule]] = [
    Column("ID", lambda schedule: schedule.id),
    Column("TASK", lambda schedule: schedule.task),
    Column("CRON", lambda schedule: schedule.generator.expression if schedule.generator else None),
    Column("TIMEZONE", lambda schedule: schedule.timezone),
    Column("ACTIVE", lambda schedule: schedule.active, lambda value: "green" if value == "yes" else "yellow"),
    Column("NEXT RUN", lambda schedule: schedule.next_run),
    Column("EXTERNAL ID", lambda schedule: schedule.external_id),
]


@click.group()
def schedules() -> None:
    """The environment's schedules."""


@schedules.command("list")
@click.option("--limit", type=click.IntRange(min=1), help="Show at most this many schedules.")
@common(lists=True)
def list_schedules(session: Session, *, limit: int | None) -> int:
    """List the schedules of the key's environment (pages are fetched only as needed)."""
    with session.client() as client:
        page = client.schedules.list(per_page=min(limit, 100) if limit else None)
        found = session.output.items(
            itertools.islice(page, limit), COLUMNS, lambda schedule: schedule.to_dict()
        )
    if not found and session.output.human:
        session.output.note("No schedules.")
    return OK

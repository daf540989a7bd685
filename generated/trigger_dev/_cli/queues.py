# Copied by codegen.py from templates/runtime/_cli/queues.py (sha256 651a4dbf6b79896b); edit that file, not this one.
"""``trigger-dev queues``: list queues, pause one (it stops starting runs) and resume it."""

from __future__ import annotations

import itertools

import click

from trigger_dev import models

from .errors import OK
from .output import Column
from .params import choice_of
from .session import Session, common

COLUMNS: list[Column[models.Queue]] = [
    Column("NAME", lambda queue: queue.name),
    Column("TYPE", lambda queue: queue.type),
    Column("RUNNING", lambda queue: queue.running),
    Column("QUEUED", lambda queue: queue.queued),
    Column("LIMIT", lambda queue: queue.concurrency_limit),
    Column("PAUSED", lambda queue: queue.paused, lambda value: "bold red" if value == "yes" else None),
    Column("ID", lambda queue: queue.id),
]

TYPE_HELP = (
    "What QUEUE is: id (a queue_... id), task (a task's own queue, by the task's id) or custom (a "
    "custom queue's name). Default: id for queue_..., else required."
)


@click.group()
def queues() -> None:
    """The environment's queues: list, pause, resume."""


@queues.command("list")
@click.option("--limit", type=click.IntRange(min=1), help="Show at most this many queues.")
@common(lists=True)
def list_queues(session: Session, *, limit: int | None) -> int:
    """List queues with what is running and waiting on each (pages are fetched only as needed)."""
    with session.client() as client:
        page = client.queues.list(per_page=min(limit, 100) if limit else None)
        found = session.output.items(itertools.islice(page, limit), COLUMNS, lambda queue: queue.to_dict())
    if not found and session.output.human:
        session.output.note("No queues.")
    return OK


def _lookup(queue: str, kind: str | None) -> str:
    if kind is not None:
        return kind
    if queue.startswith("queue_"):
        return "id"
    raise click.UsageError(
        f"{queue!r} is not a queue id (queue_...): pass --type task for a task's queue or "
        "--type custom for a custom queue's name",
        click.get_current_context(),
    )


def _changed(session: Session, queue: models.Queue, verb: str) -> int:
    if session.output.human:
        session.output.say(
            f"{verb} queue {queue.name} ({queue.id}): {queue.running} running, {queue.queued} queued"
        )
    else:
        session.output.document(queue.to_dict())
    return OK


@queues.command("pause")
@click.argument("queue")
@click.option("--type", "kind", type=choice_of(models.QueueLookupType), help=TYPE_HELP)
@common()
def pause(session: Session, queue: str, *, kind: str | None) -> int:
    """Pause a queue: it starts no new runs until resumed (running ones go on)."""
    lookup = _lookup(queue, kind)
    with session.client() as client:
        return _changed(session, client.queues.pause(queue, type=_kind(lookup)), "Paused")


@queues.command("resume")
@click.argument("queue")
@click.option("--type", "kind", type=choice_of(models.QueueLookupType), help=TYPE_HELP)
@common()
def resume(session: Session, queue: str, *, kind: str | None) -> int:
    """Resume a paused queue."""
    lookup = _lookup(queue, kind)
    with session.client() as client:
        return _changed(session, client.queues.resume(queue, type=_kind(lookup)), "Resumed")


def _kind(lookup: str) -> models.QueueLookupType:
    return models.QueueLookupType(lookup)

# Copied by codegen.py from templates/runtime/_cli/envvars.py (sha256 95159cca894d7064); edit that file, not this one.
"""``trigger-dev envvars``: compare two environments' variables, and copy one's into the
other (a dry run unless ``--apply``). Values are hidden unless ``--show-values``; a secret
variable's value is never readable, so it is compared and copied by name only (never written)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import click

import trigger_dev
from trigger_dev import models

from .errors import OK
from .output import Column
from .params import choice_of
from .session import Session, common

ENVIRONMENT = choice_of(models.EnvironmentSlug)
PROJECT_HELP = "The project (proj_...); default: the profile's, TRIGGER_PROJECT_REF, or the secret key's own."
STATE_STYLES = {"same": "dim", "kept": "dim", "new": "green", "changed": "yellow", "different": "yellow"}


def _state_style(state: str) -> str | None:
    if state.startswith("only in"):
        return "cyan"
    return "magenta" if "secret" in state else STATE_STYLES.get(state)


@dataclass(frozen=True)
class Entry:
    """One name across two environments: its state and its values (None where absent)."""

    name: str
    state: str
    first: str | None
    second: str | None


@click.group()
def envvars() -> None:
    """A project's environment variables, across environments."""


Variables = dict[str, models.EnvironmentVariable]


def _read(
    session: Session, client: trigger_dev.TriggerClient, project_ref: str | None, first: str, second: str
) -> tuple[str, Variables, Variables]:
    """The project, and the variables of its two environments by name."""
    ref = session.project_ref(project_ref, client)
    a = {v.name: v for v in client.envvars.list(ref, models.EnvironmentSlug(first))}
    b = {v.name: v for v in client.envvars.list(ref, models.EnvironmentSlug(second))}
    return ref, a, b


def _columns(first: str, second: str, show_values: bool) -> list[Column[Entry]]:
    columns: list[Column[Entry]] = [
        Column("NAME", lambda entry: entry.name),
        Column("STATE", lambda entry: entry.state, _state_style),
    ]
    if show_values:
        columns += [
            Column(first.upper(), lambda entry: entry.first),
            Column(second.upper(), lambda entry: entry.second),
        ]
    return columns


def _record(entry: Entry, first: str, second: str, show_values: bool) -> Mapping[str, Any]:
    record: dict[str, Any] = {"name": entry.name, "state": entry.state}
    if show_values:
        record[first] = entry.first
        record[second] = entry.second
    return record


def _value(variable: models.EnvironmentVariable | None) -> str | None:
    if variable is None:
        return None
    return "<secret>" if variable.is_secret else variable.value


@envvars.command("diff")
@click.argument("first", metavar="ENV_A", type=ENVIRONMENT)
@click.argument("second", metavar="ENV_B", type=ENVIRONMENT)
@click.option("--project-ref", metavar="REF", help=PROJECT_HELP)
@click.option(
    "--show-values", is_flag=True, help="Show the values too (secret variables' values stay hidden)."
)
@click.option("--all", "show_same", is_flag=True, help="List the names that are the same too.")
@common(lists=True)
def diff(
    session: Session, first: str, second: str, *, project_ref: str | None, show_values: bool, show_same: bool
) -> int:
    """Which variable names differ between two environments of a project.

    A name is "only in ENV_A", "only in ENV_B", "different", "same", or "secret" when either
    side is a secret variable, whose value the server never shows.
    """
    with session.client() as client:
        _, a, b = _read(session, client, project_ref, first, second)
    entries: list[Entry] = []
    for name in sorted(set(a) | set(b)):
        x, y = a.get(name), b.get(name)
        if x is None:
            state = f"only in {second}"
        elif y is None:
            state = f"only in {first}"
        elif x.is_secret or y.is_secret:
            state = "secret"
        else:
            state = "same" if x.value == y.value else "different"
        if state == "same" and not show_same and session.output.human:
            continue
        entries.append(Entry(name, state, _value(x), _value(y)))
    found = session.output.items(
        entries,
        _columns(first, second, show_values),
        lambda entry: _record(entry, first, second, show_values),
    )
    if not found and session.output.human:
        session.output.note(f"{first} and {second} have the same variables.")
    return OK


@envvars.command("copy")
@click.option(
    "--from", "first", metavar="ENV_A", type=ENVIRONMENT, required=True, help="Copy from this environment."
)
@click.option(
    "--to", "second", metavar="ENV_B", type=ENVIRONMENT, required=True, help="Into this environment."
)
@click.option("--project-ref", metavar="REF", help=PROJECT_HELP)
@click.option("--name", "names", multiple=True, metavar="NAME", help="Copy only this variable (repeatable).")
@click.option(
    "--keep-existing", is_flag=True, help="Add the new names only; leave names ENV_B has as they are."
)
@click.option("--show-values", is_flag=True, help="Show the values being copied.")
@click.option(
    "--apply", "apply", is_flag=True, help="Write the changes (without it, only show what would change)."
)
@common(lists=True)
def copy(
    session: Session,
    *,
    first: str,
    second: str,
    project_ref: str | None,
    names: tuple[str, ...],
    keep_existing: bool,
    show_values: bool,
    apply: bool,
) -> int:
    """Copy a project's variables from one environment into another.

    A dry run unless --apply: it says which names are new in ENV_B, changed (ENV_B has
    another value, overwritten unless --keep-existing), the same, or skipped (secret: its
    value cannot be read, so it is not copied).
    """
    if first == second:
        raise click.UsageError("--from and --to name the same environment", click.get_current_context())
    with session.client() as client:
        ref, a, b = _read(session, client, project_ref, first, second)
        missing = sorted(set(names) - set(a))
        if missing:
            raise click.UsageError(
                f"{first} has no variable {', '.join(missing)}", click.get_current_context()
            )
        entries: list[Entry] = []
        writes: dict[str, str] = {}
        for name in sorted(names or a):
            x, y = a[name], b.get(name)
            if x.is_secret or (y is not None and y.is_secret):
                state = "skipped (secret)"
            elif y is None:
                state = "new"
                writes[name] = x.value
            elif y.value == x.value:
                state = "same"
            elif keep_existing:
                state = "kept"
            else:
                state = "changed"
                writes[name] = x.value
            entries.append(Entry(name, state, _value(x), _value(y)))
        output = session.output
        output.items(
            entries,
            _columns(first, second, show_values),
            lambda entry: _record(entry, first, second, show_values),
        )
        if not writes:
            output.note(f"Nothing to copy from {first} to {second}.")
            return OK
        if not apply:
            output.note(
                f"Dry run: {len(writes)} variables would be written to {second}; pass --apply to write them."
            )
            return OK
        client.envvars.upload(
            ref, models.EnvironmentSlug(second), variables=writes, override=any(name in b for name in writes)
        )
        output.note(f"Wrote {_count(len(writes))} to {second} of {ref}.")
    return OK


def _count(number: int) -> str:
    return f"{number} variable" + ("" if number == 1 else "s")

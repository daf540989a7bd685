# Copied by codegen.py from templates/runtime/_cli/params.py (sha256 2eff68efb712435c); edit that file, not this one.
"""Option values that need reading: times, and choices taken from the package's enums
(so a value the API adds shows up here once the package knows it)."""

from __future__ import annotations

import datetime
import enum
import re
from typing import Any

import click

EXAMPLES = (
    "ISO 8601 (2026-01-02T03:04:05Z, 2026-01-02T03:04:05+02:00, 2026-01-02) or Unix seconds (1767322800)"
)


class Time(click.ParamType):  # type: ignore[type-arg]  # generic from click 8.5 on
    """A point in time: ISO 8601 (a time without an offset is local time) or Unix seconds."""

    name = "TIME"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> datetime.datetime:
        if isinstance(value, datetime.datetime):
            return value
        raw = str(value).strip()
        if re.fullmatch(r"\d{9,11}", raw):
            return datetime.datetime.fromtimestamp(int(raw), tz=datetime.timezone.utc)
        try:
            parsed = datetime.datetime.fromisoformat(raw[:-1] + "+00:00" if raw[-1:] in ("Z", "z") else raw)
        except ValueError:
            self.fail(f"{value!r} is not a time; use {EXAMPLES}", param, ctx)
        if parsed.tzinfo is None:
            parsed = parsed.astimezone()  # local time, as the person typing it means
        return parsed


class EnumChoice(click.Choice):  # type: ignore[type-arg]  # generic from click 8.2 on
    """One value of one of the package's enums, typed in any case; the value as the API
    spells it (``failed`` gives ``FAILED``), which the help lists."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        spelled = {str(choice).casefold(): choice for choice in self.choices}
        return super().convert(spelled.get(str(value).casefold(), value), param, ctx)


def choice_of(values: type[enum.Enum]) -> click.Choice:  # type: ignore[type-arg]
    """The values of one of the package's enums, matched without regard to case."""
    return EnumChoice([str(member.value) for member in values])

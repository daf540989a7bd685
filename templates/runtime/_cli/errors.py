# Runtime source of trigger_dev: codegen.py copies it into generated/trigger_dev/ unchanged.
"""Exit statuses a shell can act on, and how an error becomes one line on stderr."""

from __future__ import annotations

import click

import trigger_dev

OK = 0
API_ERROR = 1
"""The API answered with an error, could not be reached, or some of many calls failed."""
USAGE = 2
"""The command line was wrong (or the package refused the arguments before sending)."""
RUN_UNSUCCESSFUL = 3
"""``runs watch --exit-status``: the run finished without succeeding."""
INTERRUPTED = 130
"""Ctrl-C, as a shell reports a process ended by SIGINT."""


class UsageProblem(click.UsageError):
    """A usage error found after parsing (a profile, a missing project ref): exit status 2."""


def one_line(text: str) -> str:
    return " ".join(part.strip() for part in str(text).splitlines() if part.strip())


def report(message: str) -> None:
    """Write ``message`` to stderr as one line, prefixed with the program's name."""
    click.echo(f"trigger-dev: {one_line(message)}", err=True)


def exit_status_of(error: trigger_dev.TriggerError) -> int:
    """The exit status for an error the package raised: arguments it refused before sending
    (wrong credential, a value out of range) are usage errors; everything else is the API's."""
    return USAGE if isinstance(error, trigger_dev.InvalidArgumentError) else API_ERROR

# Copied by codegen.py from templates/runtime/_cli/app.py (sha256 feaa0dccc73c8adb); edit that file, not this one.
"""The ``trigger-dev`` command: its groups, and how a run of it ends: 0 done, 1 an API
error (its message on stderr, one line, naming the call), 2 a usage error, 3 a watched run
that did not succeed (``runs watch --exit-status``), 130 Ctrl-C; never a traceback for any
of these."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import Any

import click

import trigger_dev

from .auth import auth
from .envvars import envvars
from .errors import API_ERROR, INTERRUPTED, OK, USAGE, UsageProblem, exit_status_of, report
from .queues import queues
from .runs import runs
from .schedules import schedules
from .session import PROFILE_HELP

EPILOG = (
    "Credentials come from TRIGGER_SECRET_KEY or TRIGGER_ACCESS_TOKEN and the server from "
    "TRIGGER_API_URL, as for the library, or from --profile NAME in the config file "
    "($TRIGGER_CONFIG, else ~/.config/trigger-dev/config.toml). Exit status: 0 done, 1 API error, "
    "2 usage error, 130 interrupted."
)


class TriggerDev(click.Group):
    """The root group: a run of it ends with an exit status instead of a traceback, as
    `run` (the console script) and click's test runner alike see it."""

    def main(  # type: ignore[override]
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> int:
        status = _status(lambda: super(TriggerDev, self).main(args, prog_name, complete_var, False, **extra))
        if standalone_mode:
            sys.exit(status)
        return status


def _status(invoke: Callable[[], Any]) -> int:
    try:
        result = invoke()
    except UsageProblem as error:
        report(error.format_message())
        return USAGE
    except click.ClickException as error:
        error.show()
        return error.exit_code
    except click.Abort as error:
        # click turns Ctrl-C (and the end of input at a question) into Abort, after a newline.
        if isinstance(error.__cause__, KeyboardInterrupt):
            return INTERRUPTED
        report("aborted")
        return API_ERROR
    except KeyboardInterrupt:
        return INTERRUPTED
    except trigger_dev.TriggerError as error:
        report(str(error))
        return exit_status_of(error)
    return result if isinstance(result, int) else OK


@click.group(
    cls=TriggerDev,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog=EPILOG,
)
@click.version_option(trigger_dev.__version__, "--version", "-V", prog_name="trigger-dev")
@click.option("--profile", metavar="NAME", envvar="TRIGGER_PROFILE", default=None, help=PROFILE_HELP)
def cli(profile: str | None) -> None:
    """On-call commands for Trigger.dev: find what is failing, stop it, put it back."""


for group in (runs, schedules, queues, envvars, auth):
    cli.add_command(group)


def run(argv: Sequence[str]) -> int:
    """Run the command line with ``argv``; returns the exit status."""
    return cli.main(list(argv), prog_name="trigger-dev", standalone_mode=False)

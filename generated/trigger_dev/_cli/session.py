# Copied by codegen.py from templates/runtime/_cli/session.py (sha256 8d6555a90d0d829d); edit that file, not this one.
"""What every command shares: the ``--profile``, ``--json`` and ``--ndjson`` options, and a
`Session` holding the settings and the output that makes the command's client."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import click

import trigger_dev

from .errors import OK, UsageProblem
from .output import Mode, Output
from .profiles import Settings, load

F = TypeVar("F", bound=Callable[..., Any])

PROFILE_HELP = (
    "Profile of the config file to use (default: $TRIGGER_PROFILE, else the environment variables)."
)


@dataclass
class Session:
    """One command's settings and output."""

    settings: Settings
    output: Output

    def client(self) -> trigger_dev.TriggerClient:
        """A client with the profile's values, the environment filling in the rest."""
        client = trigger_dev.TriggerClient(
            secret_key=self.settings.secret_key,
            access_token=self.settings.access_token,
            base_url=self.settings.api_url,
        )
        if client.credential_kind is None:
            client.close()
            raise UsageProblem(
                "no credential: set TRIGGER_SECRET_KEY (or TRIGGER_ACCESS_TOKEN), or pass --profile NAME "
                "with a secret_key or access_token in the config file"
            )
        return client

    def project_ref(self, explicit: str | None, client: trigger_dev.TriggerClient) -> str:
        """The project to act on: ``--project-ref``, the profile's, ``TRIGGER_PROJECT_REF``,
        else (with a secret key) the key's own project, asked of the server."""
        if explicit:
            return explicit
        if self.settings.project_ref:
            return self.settings.project_ref
        if client.credential_kind == "secret key":
            me = client.auth.whoami()
            if me.project is not None and me.project.external_ref:
                return me.project.external_ref
        raise UsageProblem(
            "this command needs a project: pass --project-ref proj_..., set TRIGGER_PROJECT_REF, "
            "or give the profile a project_ref"
        )


def common(*, lists: bool = False) -> Callable[[F], F]:
    """Give a command ``--profile`` and ``--json`` (and ``--ndjson`` for a list); the
    command function then receives a `Session` as its first argument."""

    def decorate(function: F) -> F:
        @functools.wraps(function)
        def command(
            *args: Any, profile: str | None, as_json: bool, as_ndjson: bool = False, **kwargs: Any
        ) -> Any:
            context = click.get_current_context()
            if as_json and as_ndjson:
                raise click.UsageError("--json and --ndjson cannot be used together", context)
            chosen = profile or context.find_root().params.get("profile")
            mode: Mode = "ndjson" if as_ndjson else "json" if as_json else "human"
            try:
                return function(Session(load(chosen), Output(mode)), *args, **kwargs)
            except BrokenPipeError:
                # The reader has gone (`| head`): no further page is fetched, and the command
                # ends quietly, as one that had nothing more to say.
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
                return OK

        decorated: Any = command
        if lists:
            decorated = click.option(
                "--ndjson",
                "as_ndjson",
                is_flag=True,
                help="One JSON object per line, written as each arrives.",
            )(decorated)
        decorated = click.option(
            "--json",
            "as_json",
            is_flag=True,
            help="A JSON document (for a list: an array, once all of it is read).",
        )(decorated)
        decorated = click.option("--profile", metavar="NAME", default=None, help=PROFILE_HELP)(decorated)
        return decorated  # type: ignore[no-any-return]

    return decorate

# Copied by codegen.py from templates/runtime/_cli/auth.py (sha256 7a55b2ca7e689496); edit that file, not this one.
"""``trigger-dev auth whoami``: which credential the command line uses and whom the server
says it belongs to. The credential itself is never shown, nor the key the server echoes."""

from __future__ import annotations

from typing import Any

import click

from .errors import OK
from .session import Session, common

SENSITIVE = ("apiKey",)
"""Fields of the server's answer that are credentials (the secret key route echoes the key)."""


@click.group()
def auth() -> None:
    """The credential in use."""


@auth.command("whoami")
@click.option(
    "--project-ref",
    metavar="REF",
    help="With an access token: describe this project too (default: the profile's).",
)
@common()
def whoami(session: Session, *, project_ref: str | None) -> int:
    """Show the kind of credential in use, the server, and what the credential belongs to."""
    with session.client() as client:
        kind = client.credential_kind
        base_url = client.base_url
        if kind in ("personal access token", "organization access token"):
            me = client.auth.whoami(project_ref=project_ref or session.settings.project_ref)
        else:
            me = client.auth.whoami()
    answer: dict[str, Any] = {key: value for key, value in me.to_dict().items() if key not in SENSITIVE}
    if not session.output.human:
        session.output.document(
            {"credential": kind, "profile": session.settings.profile, "api_url": base_url, **answer}
        )
        return OK
    project = me.project
    organization = me.organization
    session.output.fields(
        [
            ("credential", kind),
            ("profile", session.settings.profile),
            ("api url", base_url),
            ("user", me.email or me.user_id),
            ("environment", f"{me.slug} ({me.type})" if me.slug else None),
            ("paused", me.paused),
            ("branch", me.branch_name),
            (
                "project",
                f"{project.name} ({project.external_ref})"
                if project is not None and project.external_ref
                else project.name
                if project is not None
                else None,
            ),
            ("project url", project.url if project is not None else None),
            (
                "organization",
                organization.title
                if organization is not None
                else project.org_title
                if project is not None
                else None,
            ),
            ("dashboard", me.dashboard_url),
        ]
    )
    return OK

# Copied by codegen.py from templates/runtime/_cli/profiles.py (sha256 f47d81530deb6502); edit that file, not this one.
"""Where a command's credential, base URL and project come from: ``--profile NAME`` (a table
of a TOML file), else the environment variables the library reads.

The file is ``$TRIGGER_CONFIG``, else ``$XDG_CONFIG_HOME/trigger-dev/config.toml`` (by
default ``~/.config/trigger-dev/config.toml``)::

    [profiles.prod]
    api_url = "https://trigger.example.com"   # optional; TRIGGER_API_URL otherwise
    secret_key = "tr_prod_..."                # or access_token = "tr_pat_..."
    project_ref = "proj_..."                  # optional; for envvars and access tokens

A profile's values win over the environment; what it leaves out comes from the
environment. Keys are never printed.
"""

from __future__ import annotations

import os
import stat
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from .errors import UsageProblem

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

FIELDS = ("api_url", "secret_key", "access_token", "project_ref")


@dataclass(frozen=True)
class Settings:
    """What a command connects with; ``repr`` never shows the credential."""

    profile: str | None = None
    api_url: str | None = None
    secret_key: str | None = None
    access_token: str | None = None
    project_ref: str | None = None

    def __repr__(self) -> str:
        shown = "set" if self.secret_key or self.access_token else "from the environment"
        return f"Settings(profile={self.profile!r}, api_url={self.api_url!r}, credential={shown})"


def config_path() -> Path:
    """The profiles file: ``$TRIGGER_CONFIG``, else ``trigger-dev/config.toml`` in the XDG
    configuration directory."""
    explicit = os.environ.get("TRIGGER_CONFIG")
    if explicit:
        return Path(explicit).expanduser()
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base).expanduser() / "trigger-dev" / "config.toml"


def load(profile: str | None) -> Settings:
    """The settings of ``profile``, or of the environment alone when it is None."""
    environment_ref = os.environ.get("TRIGGER_PROJECT_REF") or None
    if profile is None:
        return Settings(project_ref=environment_ref)
    path = config_path()
    table = _profiles(path).get(profile)
    if table is None:
        known = ", ".join(sorted(_profiles(path))) or "none"
        raise UsageProblem(f"no profile {profile!r} in {path} (profiles there: {known})")
    if not isinstance(table, dict):
        raise UsageProblem(f"profile {profile!r} in {path} must be a table ([profiles.{profile}])")
    unknown = sorted(set(table) - set(FIELDS))
    if unknown:
        raise UsageProblem(
            f"profile {profile!r} in {path} has unknown keys {unknown}; the keys are {', '.join(FIELDS)}"
        )
    values: dict[str, str] = {}
    for name, value in table.items():
        if not isinstance(value, str) or not value:
            raise UsageProblem(f"profile {profile!r} in {path}: {name} must be a non-empty string")
        values[name] = value
    if "secret_key" in values and "access_token" in values:
        raise UsageProblem(f"profile {profile!r} in {path} sets both secret_key and access_token; keep one")
    if ("secret_key" in values or "access_token" in values) and _readable_by_others(path):
        # A warning, not a refusal: the file is the user's to protect, but they should know.
        click.echo(
            f"trigger-dev: warning: {path} holds a key and others can read it (chmod 600 {path})", err=True
        )
    return Settings(
        profile=profile,
        api_url=values.get("api_url"),
        secret_key=values.get("secret_key"),
        access_token=values.get("access_token"),
        project_ref=values.get("project_ref") or environment_ref,
    )


def _profiles(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as file:
            document = tomllib.load(file)
    except FileNotFoundError:
        raise UsageProblem(
            f"--profile needs the config file {path}, which does not exist "
            "(set TRIGGER_CONFIG to use another file)"
        ) from None
    except tomllib.TOMLDecodeError as error:
        # The parser's message names the line and column, never the file's content.
        raise UsageProblem(f"{path} is not valid TOML: {error}") from None
    profiles = document.get("profiles", {})
    if not isinstance(profiles, dict):
        raise UsageProblem(f"{path}: 'profiles' must be a table of tables ([profiles.NAME])")
    return profiles


def _readable_by_others(path: Path) -> bool:
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return os.name == "posix" and bool(mode & (stat.S_IRGRP | stat.S_IROTH))

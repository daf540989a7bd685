# Runtime source of trigger_dev: codegen.py copies it into generated/trigger_dev/ unchanged.
"""Trigger options a deployment platform sets through the environment, as the official SDK
reads them: ``TRIGGER_VERSION`` pins runs to a deployed version (``lockToVersion``), and
``TRIGGER_EXTERNAL_DEPLOYMENT_ID`` (or, with ``TRIGGER_AUTOMATIC_SKEW_VERSION_PROTECTION``
on, the platform's commit SHA) names your application's deployment for version-skew
protection (``externalDeploymentId``). Read when each trigger is sent, never cached.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

__all__ = [
    "AUTOMATIC_SKEW_PROTECTION_ENV",
    "EXTERNAL_DEPLOYMENT_ID_ENV",
    "PLATFORM_COMMIT_SHA_ENV",
    "VERSION_ENV",
    "deployment_defaults",
    "external_deployment_id",
]

VERSION_ENV = "TRIGGER_VERSION"
EXTERNAL_DEPLOYMENT_ID_ENV = "TRIGGER_EXTERNAL_DEPLOYMENT_ID"
AUTOMATIC_SKEW_PROTECTION_ENV = "TRIGGER_AUTOMATIC_SKEW_VERSION_PROTECTION"
MAX_EXTERNAL_DEPLOYMENT_ID = 128
"""Characters the server takes in ``externalDeploymentId``; a longer value is not sent."""

PLATFORM_COMMIT_SHA_ENV = (
    "VERCEL_GIT_COMMIT_SHA",
    "RAILWAY_GIT_COMMIT_SHA",
    "RENDER_GIT_COMMIT",
    "CF_PAGES_COMMIT_SHA",
    "WORKERS_CI_COMMIT_SHA",
    "COMMIT_REF",
    "AWS_COMMIT_ID",
    "HEROKU_BUILD_COMMIT",
    "HEROKU_SLUG_COMMIT",
    "KOYEB_GIT_SHA",
    "GITHUB_SHA",
    "CI_COMMIT_SHA",
    "CIRCLE_SHA1",
    "BITBUCKET_COMMIT",
    "BUILDKITE_COMMIT",
    "BUILD_SOURCEVERSION",
    "COMMIT_SHA",
    "DRONE_COMMIT_SHA",
    "GIT_COMMIT",
    "BUILD_VCS_NUMBER",
    "TRAVIS_COMMIT",
    "COMMIT_HASH",
    "GIT_SHA",
    "GIT_HASH",
)
"""Where platforms and CI services put the deployed commit, in the official SDK's order."""


def _usable(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    return value if value and len(value) <= MAX_EXTERNAL_DEPLOYMENT_ID else None


def external_deployment_id(environ: Mapping[str, str] | None = None) -> str | None:
    """``TRIGGER_EXTERNAL_DEPLOYMENT_ID``, else (when ``TRIGGER_AUTOMATIC_SKEW_VERSION_PROTECTION``
    is ``1`` or ``true``) the first platform commit variable set; each trimmed, and skipped
    when empty or longer than the server takes."""
    env = os.environ if environ is None else environ
    found = _usable(env.get(EXTERNAL_DEPLOYMENT_ID_ENV))
    if found is not None:
        return found
    if env.get(AUTOMATIC_SKEW_PROTECTION_ENV, "").strip().lower() not in ("1", "true"):
        return None
    for name in PLATFORM_COMMIT_SHA_ENV:
        found = _usable(env.get(name))
        if found is not None:
            return found
    return None


def deployment_defaults(options: Any, environ: Mapping[str, str] | None = None) -> Any:
    """A trigger's options with ``version`` and ``external_deployment_id`` filled in from the
    environment when the caller left them out. A key given as None opts out of its default.
    Anything that is not a dict is returned unchanged, for the encoder to refuse."""
    if options is not None and not isinstance(options, Mapping):
        return options
    env = os.environ if environ is None else environ
    given: Mapping[str, Any] = options or {}
    added: dict[str, Any] = {}
    if "version" not in given:
        version = env.get(VERSION_ENV)
        if version:
            added["version"] = version
    if "external_deployment_id" not in given:
        external = external_deployment_id(env)
        if external is not None:
            added["external_deployment_id"] = external
    if not added:
        return options
    return {**given, **added}

"""`make test-all`: the test suite on every CPython from 3.10 to 3.13 found on this machine."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess

import nox

nox.options.error_on_missing_interpreters = False
nox.options.reuse_existing_virtualenvs = True

VERSIONS = ("3.10", "3.11", "3.12", "3.13")
TEST_DEPENDENCIES = (
    "pytest==9.2.0",
    "pytest-recording==0.14.1",
    "pytest-httpserver==1.2.0",
    "hypothesis==6.170.15",
    "trustme==1.2.1",
    # 8.2.1 is the first release that loads cassettes safely; 9.x needs Python 3.11.
    "vcrpy==9.4.2; python_version >= '3.11'",
    "vcrpy==8.5.0; python_version < '3.11'",
)


def _runs(path: str) -> bool:
    try:
        return subprocess.run([path, "-c", "pass"], capture_output=True, timeout=30).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def interpreters() -> list[str]:
    """A working interpreter per version: on PATH, or installed by pyenv beside the active one."""
    found = []
    for version in VERSIONS:
        candidates = [shutil.which(f"python{version}") or ""]
        pyenv = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
        candidates += sorted(glob.glob(f"{pyenv}/versions/{version}*/bin/python{version}"), reverse=True)
        candidates += sorted(glob.glob(f"/usr/bin/python{version}"))
        working = next((c for c in candidates if c and _runs(c)), None)
        if working:
            found.append(working)
    return found


@nox.session(python=interpreters())
def tests(session: nox.Session) -> None:
    session.install("-e", ".[async]", *TEST_DEPENDENCIES)
    session.run("python", "-m", "pytest", "--record-mode=none", *session.posargs)

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
    # The newest releases need Python 3.11; 3.10 gets the last that supports it.
    "hypothesis==6.170.15; python_version >= '3.11'",
    "hypothesis==6.168.5; python_version < '3.11'",
    "griffe==2.4.1; python_version >= '3.11'",
    "griffe==2.3.0; python_version < '3.11'",
    "ruamel.yaml==0.19.1",
    # tests/test_project_urls.py imports the build's metadata hook, which builds on hatchling.
    "hatchling==1.33.0",
    "trustme==1.2.1",
    "PyJWT==2.15.1",
    "fastapi==0.165.0; python_version >= '3.11'",
    "fastapi==0.162.5; python_version < '3.11'",
    "httpx2==2.16.2; python_version >= '3.11'",
    "httpx==0.28.1; python_version < '3.11'",
    "django==5.2.19",
    "msgspec==0.22.0",
    "opentelemetry-api==1.45.2",
    "opentelemetry-sdk==1.45.2",
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


# These run the generator (openapi-python-client needs Python 3.11), so on 3.10 they cannot run,
# nor can tests/test_generator_*.py. Everything the package does is tested there.
GENERATOR_TESTS = (
    "tests/test_spec_diff.py::test_the_real_spec_with_a_scripted_edit",
    "tests/test_spec_diff.py::test_fail_on_breaking_and_the_other_formats",
)


# The command line's libraries at the lowest versions its extra allows (pyproject.toml), on the
# oldest Python; the newer interpreters get the newest.
CLI_FLOORS = ("click==8.1.7", "rich==13.7.0", "tomli==2.0.1")


@nox.session(python=interpreters())
def tests(session: nox.Session) -> None:
    oldest = session.python == VERSIONS[0] or str(session.python).endswith(f"python{VERSIONS[0]}")
    session.install("-e", ".[async,cli]", *TEST_DEPENDENCIES, *(CLI_FLOORS if oldest else ()))
    # The documentation is built and opened in a browser once, by `make docs` (in CI), not per
    # interpreter: its site builder and browser driver are not installed here.
    arguments = ["--record-mode=none", "--ignore=tests/test_docs_site.py", *session.posargs]
    if (
        session.run("python", "-c", "import sys; print(sys.version_info >= (3, 11))", silent=True).strip()
        == "True"
    ):
        session.install("openapi-python-client==0.29.1")
    else:
        arguments += [f"--deselect={test}" for test in GENERATOR_TESTS]
        arguments += ["--ignore-glob=tests/test_generator_*.py"]  # the generator's own tests
    session.run("python", "-m", "pytest", *arguments)

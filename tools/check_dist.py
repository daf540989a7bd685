"""`make dist`'s last step: the built wheel and sdist are what PyPI would get and what a user
would install.

    python tools/check_dist.py DIST_DIR

checks the wheel's metadata (the extras users see are ``async``, ``cli``, ``fast`` and
``otel`` only, the project URLs where the repository has a public address, the license file
and ``py.typed`` are inside, no test or tool code is), then installs the wheel into a fresh
virtual environment on the oldest and the newest supported Python and runs the README's
quickstart there against nothing (building a client and a request, sending none). There the
``trigger-dev`` script, without the ``cli`` extra, must say how to install it (exit status
2); with the extra (on the oldest Python at the lowest versions the extra allows, on the
newest at the newest) it must run.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from email.parser import Parser
from pathlib import Path

OLDEST, NEWEST = "3.10", "3.13"
PUBLISHED_EXTRAS = ["async", "cli", "fast", "otel"]
# The lowest versions the `cli` extra allows (pyproject.toml), tried on the oldest Python.
CLI_FLOORS = ["click==8.1.7", "rich==13.7.0", "tomli==2.0.1"]
CLI_INSTALL_LINE = "pip install 'trigger-dev[cli]'"
# What a user runs first (README "Quickstart"), minus the network: every import and the
# client, a checked call refused before sending, the version.
QUICKSTART = """
import trigger_dev
from trigger_dev import runs, tasks, TriggerClient, TriggerError
client = trigger_dev.configure(secret_key="tr_dev_FAKE-dist-check-key-long-enough", base_url="http://127.0.0.1:9")
try:
    tasks.trigger("", {"hello": "world"})
except trigger_dev.InvalidArgumentError as error:
    print("refused before sending:", error)
import trigger_dev.models, trigger_dev.types
print("trigger-dev", trigger_dev.__version__, "imports on", __import__("sys").version.split()[0])
"""


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    dist = Path(argv[0])
    wheels, sdists = sorted(dist.glob("*.whl")), sorted(dist.glob("*.tar.gz"))
    if len(wheels) != 1 or len(sdists) != 1:
        print(f"{dist} should hold one wheel and one sdist, found {wheels + sdists}", file=sys.stderr)
        return 1
    problems = check_wheel(wheels[0])
    for version in (OLDEST, NEWEST):
        problems += install_and_import(wheels[0], version)
    for problem in problems:
        print(f"- {problem}", file=sys.stderr)
    return 1 if problems else 0


def check_wheel(wheel: Path) -> list[str]:
    problems = []
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        metadata_name = next(n for n in names if n.endswith(".dist-info/METADATA"))
        metadata = Parser().parsestr(archive.read(metadata_name).decode())
    extras = sorted(metadata.get_all("Provides-Extra") or [])
    if extras != PUBLISHED_EXTRAS:
        problems.append(f"the wheel offers extras {extras}; users should see only {PUBLISHED_EXTRAS}")
    if metadata.get("License-Expression") != "MIT":
        problems.append(f"License-Expression is {metadata.get('License-Expression')!r}, not 'MIT'")
    problems += check_project_urls(metadata.get_all("Project-URL") or [])
    expected = ["trigger_dev/py.typed", "trigger_dev/__init__.py"]
    problems += [f"the wheel lacks {name}" for name in expected if name not in names]
    if not any(n.endswith("/licenses/LICENSE") for n in names):
        problems.append("the wheel lacks its LICENSE file")
    stray = [n for n in names if n.split("/")[0] not in ("trigger_dev",) and ".dist-info/" not in n]
    problems += [f"the wheel carries {name}, which is not part of the package" for name in stray]
    print(f"{wheel.name}: {len(names)} files, extras {extras}, requires {metadata.get_all('Requires-Dist')}")
    return problems


def check_project_urls(lines: list[str]) -> list[str]:
    """The sidebar links PyPI shows (tools/project_urls.py derives them from the repository's
    address). A release built by GitHub Actions must have them; a local build from a clone
    without a public remote has none to give, which is said rather than invented."""
    labels = [line.split(",", 1)[0].strip() for line in lines]
    if not labels:
        if os.environ.get("GITHUB_ACTIONS") == "true":
            return ["the wheel has no project URLs although GitHub Actions names the repository"]
        print("no project URLs: this checkout has no public remote (set TRIGGER_DEV_REPOSITORY to see them)")
        return []
    print("project URLs:", "; ".join(lines))
    wanted = ["Source", "Changelog", "Issues"]
    return [f"the wheel's project URLs lack {label!r}" for label in wanted if label not in labels]


def interpreter(version: str) -> str | None:
    """A working ``python<version>``: on PATH, installed by pyenv, or Debian's."""
    candidates = [shutil.which(f"python{version}") or ""]
    pyenv = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
    candidates += sorted(glob.glob(f"{pyenv}/versions/{version}*/bin/python{version}"), reverse=True)
    candidates += [f"/usr/bin/python{version}"]
    for candidate in candidates:
        if candidate and os.path.exists(candidate):
            result = subprocess.run([candidate, "-c", "pass"], capture_output=True, check=False)
            if result.returncode == 0:
                return candidate
    return None


def install_and_import(wheel: Path, version: str) -> list[str]:
    python = interpreter(version)
    if python is None:
        return [
            f"Python {version} is needed to try the wheel on it (none found on PATH, in pyenv or /usr/bin)"
        ]
    with tempfile.TemporaryDirectory() as place:
        venv = Path(place) / "venv"
        pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet"]
        script = str(venv / "bin" / "trigger-dev")
        steps = [
            [python, "-m", "venv", str(venv)],
            [*pip, str(wheel.resolve())],
            [str(venv / "bin" / "python"), "-I", "-c", QUICKSTART],
        ]
        for step in steps:
            result = subprocess.run(step, capture_output=True, text=True, check=False, cwd=place)
            if result.returncode != 0:
                return [f"Python {version}: {' '.join(step[-3:])} failed:\n{result.stdout}{result.stderr}"]
        print(result.stdout.strip())
        without = subprocess.run([script, "--help"], capture_output=True, text=True, check=False, cwd=place)
        if without.returncode != 2 or CLI_INSTALL_LINE not in without.stderr:
            return [
                f"Python {version}: trigger-dev without the cli extra should exit 2 naming {CLI_INSTALL_LINE}: {without}"
            ]
        floors = CLI_FLOORS if version == OLDEST else []
        steps = [
            [*pip, *floors, f"{wheel.resolve()}[cli]"],
            [script, "--version"],
            [script, "runs", "list", "--help"],
        ]
        for step in steps:
            result = subprocess.run(step, capture_output=True, text=True, check=False, cwd=place)
            if result.returncode != 0:
                return [f"Python {version}: {' '.join(step[-3:])} failed:\n{result.stdout}{result.stderr}"]
        libraries = "the cli extra's lowest versions" if floors else "the newest click and rich"
        print(
            f"trigger-dev runs on Python {version} with {libraries}; without the extra it names the install line"
        )
    return []


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

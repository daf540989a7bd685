"""The command line as installed: ``import trigger_dev`` never loads it or its libraries,
without the ``cli`` extra it says in one line how to install it (exit status 2), and it is
built on the package's public names only."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

import trigger_dev

RUNTIME_CLI = Path(__file__).resolve().parent.parent / "templates" / "runtime" / "_cli"

# Runs ``python -m trigger_dev ARGS`` with the named libraries impossible to import.
BLOCKED = """
import importlib.abc, runpy, sys
blocked = set(sys.argv[1].split(","))
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in blocked:
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None
sys.meta_path.insert(0, Block())
sys.argv = ["trigger_dev", *sys.argv[2:]]
runpy.run_module("trigger_dev", run_name="__main__", alter_sys=True)
"""


def python(*arguments: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("TRIGGER_")}
    return subprocess.run(
        [sys.executable, *arguments], capture_output=True, text=True, timeout=60, env=environment, check=False
    )


def test_importing_the_package_loads_no_part_of_the_command_line() -> None:
    result = python(
        "-c",
        "import sys, trigger_dev, trigger_dev.models, trigger_dev.types; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('click', 'rich', 'tomli') "
        "or m.split('.')[:2] == ['trigger_dev', '_cli'] or m == 'trigger_dev.__main__'))",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize("blocked", ["click", "rich", "click,rich"])
def test_without_the_extra_it_says_how_to_install_it(blocked: str) -> None:
    result = python("-c", BLOCKED, blocked, "runs", "list")
    assert result.returncode == 2
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith(
        f"trigger-dev: the command line needs {blocked.split(',')[0]}, which is not installed"
    )
    assert line.endswith("pip install 'trigger-dev[cli]'")


def test_python_dash_m_and_the_console_script_run_it() -> None:
    result = python("-m", "trigger_dev", "--version")
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.startswith("trigger-dev, version ")
    script = Path(sysconfig.get_path("scripts")) / "trigger-dev"
    assert script.exists(), "the trigger-dev console script (pip install -e . installs it)"
    result = subprocess.run(
        [str(script), "runs", "--help"], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0
    assert "bulk-cancel" in result.stdout


def _imports(source: Path) -> list[str]:
    names = []
    for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names += [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
    return names


def test_the_command_line_uses_only_the_public_package() -> None:
    modules = sorted(RUNTIME_CLI.glob("*.py"))
    assert len(modules) > 5
    for module in modules:
        for name in _imports(module):
            parts = name.split(".")
            if parts[0] == "trigger_dev" and len(parts) > 1:
                public = parts[1] in trigger_dev.__all__ and not any(p.startswith("_") for p in parts)
                assert public, (
                    f"{module.name} imports {name}: the command line may use the public package only"
                )


def test_a_reader_that_stops_early_ends_the_listing_quietly() -> None:
    from tests.support.api_server import api_server

    with api_server() as api:
        api.add_runs(300)
        api.page_delay = 0.2  # the reader is gone before the second page arrives
        environment = {**os.environ, "TRIGGER_API_URL": api.base_url, "TRIGGER_SECRET_KEY": "tr_dev_fakeKey"}
        command = [sys.executable, "-m", "trigger_dev", "runs", "list", "--all", "--page-size", "10"]
        with subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=environment
        ) as process:
            assert process.stdout is not None and process.stderr is not None
            first = process.stdout.readline()
            process.stdout.close()  # as `| head -1` does
            status = process.wait(timeout=60)
            errors = process.stderr.read()
        assert first.startswith(b"run_300\t")
        assert (status, errors) == (0, b"")
        assert len(api.seen("/api/v1/runs")) <= 2  # the page being written, perhaps the next; never all 30

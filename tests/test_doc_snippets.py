"""Every code block the README or docs/ marks as runnable (an ``<!-- runnable -->`` line right
before its fence) runs, as written, against the Prism mock of the spec."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.mock_server import MOCK_SECRET_KEY, SPEC, running_mock

ROOT = Path(__file__).resolve().parent.parent
MARK = "<!-- runnable -->"
BLOCK = re.compile(re.escape(MARK) + r"\n```python\n(.*?)\n```", re.S)
SNIPPET_TIMEOUT = 120.0


def documents() -> list[Path]:
    return [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


def snippets() -> list[tuple[str, str]]:
    """(document:line, code) of each marked block."""
    found = []
    for path in documents():
        text = path.read_text(encoding="utf-8")
        for match in BLOCK.finditer(text):
            line = text.count("\n", 0, match.start()) + 3
            found.append((f"{path.relative_to(ROOT)}:{line}", match.group(1)))
    return found


def test_every_mark_is_on_a_python_block() -> None:
    for path in documents():
        text = path.read_text(encoding="utf-8")
        assert text.count(MARK) == len(BLOCK.findall(text)), (
            f"{path}: a {MARK} line not right before ```python"
        )


def test_the_front_pages_have_runnable_snippets() -> None:
    where = [name.split(":")[0] for name, _ in snippets()]
    assert where.count("README.md") >= 3
    assert where.count("docs/getting-started.md") >= 2


@pytest.fixture(scope="module")
def mock_url() -> Iterator[str]:
    with running_mock(SPEC) as url:
        yield url


@pytest.mark.parametrize(("where", "code"), snippets(), ids=[name for name, _ in snippets()])
def test_snippet_runs(where: str, code: str, mock_url: str, tmp_path: Path) -> None:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("TRIGGER_")}
    environment |= {"TRIGGER_API_URL": mock_url, "TRIGGER_SECRET_KEY": MOCK_SECRET_KEY}
    script = tmp_path / "snippet.py"
    script.write_text(code, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, str(script)],
        cwd=tmp_path,
        env=environment,
        capture_output=True,
        text=True,
        timeout=SNIPPET_TIMEOUT,
        check=False,
    )
    assert result.returncode == 0, f"the snippet at {where} failed:\n{code}\n--- stderr:\n{result.stderr}"

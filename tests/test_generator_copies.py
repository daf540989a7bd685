"""The runtime modules are plain Python in templates/runtime/, copied into generated/ with a
marker line; an edit made to a copy is caught instead of silently overwritten."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import codegen
from generator import render
from generator.spec import GenerationError

ROOT = Path(__file__).resolve().parent.parent


def test_every_runtime_source_is_copied_line_for_line() -> None:
    runtime = ROOT / "templates" / "runtime"
    sources = sorted(runtime.rglob("*.py"))
    assert any(len(source.relative_to(runtime).parts) > 1 for source in sources), "no sub-package seen"
    for source in sources:
        name = source.relative_to(runtime).as_posix()
        copy = ROOT / "generated" / "trigger_dev" / name
        source_lines = source.read_text().splitlines()
        copy_lines = copy.read_text().splitlines()
        assert copy_lines[0].startswith(f"# Copied by codegen.py from templates/runtime/{name} (sha256 ")
        assert copy_lines[1:] == source_lines[1:], name


def test_a_sub_package_is_copied_with_its_path_in_the_marker(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    runtime = tmp_path / "runtime"
    (runtime / "_feature").mkdir(parents=True)
    (runtime / "_top.py").write_text(render.RUNTIME_MARKER + '"""Top."""\n')
    (runtime / "_feature" / "__init__.py").write_text(render.RUNTIME_MARKER + '"""A feature."""\n')
    (runtime / "_feature" / "steps.py").write_text(render.RUNTIME_MARKER + '"""Its steps."""\n')
    monkeypatch.setattr(render, "RUNTIME", runtime)
    copies = render.runtime_copies()
    assert sorted(copies) == ["_feature/__init__.py", "_feature/steps.py", "_top.py"]
    assert copies["_feature/steps.py"].startswith(
        "# Copied by codegen.py from templates/runtime/_feature/steps.py (sha256 "
    )
    assert copies["_feature/steps.py"].endswith('"""Its steps."""\n')


def test_a_copy_in_a_sub_package_edited_by_hand_is_reported(tmp_path: Path) -> None:
    package = tmp_path / "trigger_dev"
    shutil.copytree(ROOT / "generated" / "trigger_dev", package)
    runtime = ROOT / "templates" / "runtime"
    nested = next(
        source.relative_to(runtime).as_posix()
        for source in sorted(runtime.rglob("*.py"))
        if len(source.relative_to(runtime).parts) > 1
    )
    copy = package / nested
    copy.write_text(copy.read_text() + "\n# a quick fix\n")
    (edited,) = render.hand_edited_copies(package)
    assert edited.endswith(f"{nested} (from templates/runtime/{nested})")


def test_a_copy_edited_by_hand_is_reported(tmp_path: Path) -> None:
    package = tmp_path / "trigger_dev"
    shutil.copytree(ROOT / "generated" / "trigger_dev", package)
    assert render.hand_edited_copies(package) == []
    retry = package / "_http" / "retry.py"
    retry.write_text(
        retry.read_text().replace(
            "_RETRIED_STATUSES = frozenset({408, 409, 429})", "_RETRIED_STATUSES = frozenset({408})"
        )
    )
    (edited,) = render.hand_edited_copies(package)
    assert edited.endswith("_http/retry.py (from templates/runtime/_http/retry.py)")


def test_generate_refuses_to_overwrite_an_edited_copy(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    output = tmp_path / "generated"
    shutil.copytree(ROOT / "generated", output)
    retry = output / "trigger_dev" / "_http" / "retry.py"
    retry.write_text(retry.read_text() + "\n# a quick fix\n")
    monkeypatch.setattr(codegen, "OUTPUT", output)
    with pytest.raises(GenerationError, match=r"(?s)edited in generated/.*_http/retry\.py"):
        codegen.command_generate(None)  # type: ignore[arg-type]
    assert retry.read_text().endswith("# a quick fix\n")  # left as it was


def test_a_runtime_source_without_its_marker_is_refused(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    runtime = tmp_path / "runtime"
    runtime.mkdir()
    (runtime / "_new.py").write_text('"""No marker."""\n')
    monkeypatch.setattr(render, "RUNTIME", runtime)
    with pytest.raises(GenerationError, match="must start with the line"):
        render.runtime_copies()

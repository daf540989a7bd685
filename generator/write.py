"""Write the rendered package into generated/ (only what changed), or compare it with what is there."""

from __future__ import annotations

import difflib
import filecmp
import shutil
from collections.abc import Iterator
from pathlib import Path

from generator.context import build_context
from generator.readme import GeneratedDocs, generated_docs
from generator.render import render
from generator.spec import SPEC, Document


def generate_into(destination: Path, spec_path: Path = SPEC) -> GeneratedDocs:
    """Render the package into ``destination``; returns the generated documentation."""
    context = build_context(Document.load(spec_path))
    render(context, destination)
    return generated_docs(context)


def package_files(root: Path) -> Iterator[Path]:
    """The files of a generated tree, relative to it, without caches tools leave behind."""
    for path in root.rglob("*"):
        relative = path.relative_to(root)
        if path.is_file() and not any(part.startswith((".", "__pycache__")) for part in relative.parts):
            yield relative


def sync_tree(source: Path, target: Path) -> list[str]:
    """Make ``target`` equal ``source``; rewrite only changed files. Returns what changed."""
    changed = []
    wanted = set(package_files(source))
    present = set(package_files(target)) if target.exists() else set()
    for relative in sorted(present - wanted):
        (target / relative).unlink()
        changed.append(f"removed {relative}")
    for relative in sorted(wanted):
        destination = target / relative
        if destination.exists() and filecmp.cmp(source / relative, destination, shallow=False):
            continue
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source / relative, destination)
        changed.append(f"wrote {relative}")
    for directory in sorted((p for p in target.rglob("*") if p.is_dir()), reverse=True):
        if not any(directory.iterdir()):
            directory.rmdir()  # a module that no longer exists leaves its folder empty
    return changed


def differences(fresh: Path, output: Path) -> list[str]:
    """How ``output`` differs from a fresh generation: files missing or extra, and diffs."""
    problems = []
    for relative in sorted(set(package_files(fresh)) | set(package_files(output))):
        old = output / relative
        new = fresh / relative
        if not old.exists() or not new.exists():
            where = "missing from" if not old.exists() else "not produced for"
            problems.append(f"{relative}: {where} generated/")
        elif old.read_bytes() != new.read_bytes():
            diff = difflib.unified_diff(
                old.read_text().splitlines(),
                new.read_text().splitlines(),
                f"generated/{relative}",
                "regenerated",
                lineterm="",
            )
            problems.append("\n".join(list(diff)[:40]))
    return problems

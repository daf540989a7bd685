"""MkDocs hooks for `make docs`: the build fails when a public name of the package is not on a
reference page, or has no docstring (mkdocstrings alone renders an undocumented name silently)."""

from __future__ import annotations

import inspect
import re
import typing
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "docs" / "reference"
# Public names with a page of their own rather than a `::: trigger_dev.<name>` block.
MODULE_PAGES = {"models": "models.md", "types": "types.md"}


def undocumented() -> list[str]:
    """What is public in `trigger_dev` but missing from the reference or without a docstring."""
    import trigger_dev
    from trigger_dev import models, types

    directives = set()
    for page in REFERENCE.glob("*.md"):
        directives |= set(re.findall(r"^\s*::: (trigger_dev[\w.]*)", page.read_text(encoding="utf-8"), re.M))
    problems = []
    for name in trigger_dev.__all__:
        if name == "__version__":
            continue
        if name in MODULE_PAGES:
            if not (REFERENCE / MODULE_PAGES[name]).exists():
                problems.append(f"trigger_dev.{name}: no reference page {MODULE_PAGES[name]}")
            continue
        value = getattr(trigger_dev, name)
        if (REFERENCE / f"{name}.md").exists():
            continue  # a namespace: its generated page
        if f"trigger_dev.{name}" not in directives:
            problems.append(f"trigger_dev.{name}: on no reference page (add `::: trigger_dev.{name}`)")
        if not inspect.getdoc(value) and typing.get_origin(value) is not typing.Union:
            # A Union alias (WebhookEvent) carries its docstring in the source, where griffe reads it.
            problems.append(f"trigger_dev.{name}: no docstring")
    for module in (models, types):
        for name in module.__all__:
            if name.endswith("Literal"):
                continue  # an enum's Literal alias: a typing alias cannot carry a docstring
            if not inspect.getdoc(getattr(module, name)):
                problems.append(f"{module.__name__}.{name}: no docstring")
    return problems


def on_config(config: Any, **_: Any) -> Any:
    problems = undocumented()
    if problems:
        raise PluginError("undocumented public names:\n  " + "\n  ".join(problems))
    return config

"""The runtime's folders explain themselves: each sub-package's ``__init__.py`` is only a
docstring saying what the folder is for and what it may import (import-linter, run by
``make check``, holds the code to it), and every runtime module says what it is for."""

from __future__ import annotations

import ast
from pathlib import Path

RUNTIME = Path(__file__).resolve().parent.parent / "templates" / "runtime"


def test_each_sub_package_is_a_docstring_naming_what_it_may_import() -> None:
    packages = sorted(RUNTIME.glob("*/__init__.py"))
    assert packages, "no runtime sub-package"
    for init in packages:
        tree = ast.parse(init.read_text())
        doc = ast.get_docstring(tree)
        where = init.relative_to(RUNTIME).as_posix()
        assert doc and "May import:" in doc, where
        assert len(tree.body) == 1, f"{where} re-exports nothing: import from the module itself"


def test_every_runtime_module_has_a_docstring() -> None:
    for source in sorted(RUNTIME.rglob("*.py")):
        assert ast.get_docstring(ast.parse(source.read_text())), source.relative_to(RUNTIME).as_posix()

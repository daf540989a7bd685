"""The generator and the tools import each other one way only: no import cycles.

The graph is read from the source with `ast`, so it counts every import a module makes,
wherever it is written: at the top, inside a function, or under ``if TYPE_CHECKING:``. A
cycle hidden in a function or a type-checking block still ties the modules together.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# The code whose modules must not import one another in a circle; the runtime (templates/,
# generated/) is checked on its own terms elsewhere.
CHECKED = ("generator", "tools", "codegen.py")


def module_files(root: Path = ROOT, parts: Iterable[str] = CHECKED) -> dict[str, Path]:
    """Dotted module name -> file, for every Python file under ``parts`` (packages or not)."""
    found: dict[str, Path] = {}
    for part in parts:
        start = root / part
        files = [start] if start.is_file() else sorted(start.rglob("*.py"))
        for path in files:
            relative = path.relative_to(root)
            if "node_modules" in relative.parts:
                continue
            names = list(relative.with_suffix("").parts)
            if names[-1] == "__init__":
                names.pop()
            found[".".join(names)] = path
    return found


def imported_names(module: str, source: str, *, is_package: bool = False) -> set[str]:
    """Every dotted name ``module`` imports, with ``from a import b`` giving both ``a`` and ``a.b``
    (``b`` may be a submodule) and ``a.b`` giving ``a`` too (importing a submodule runs its
    package); relative imports are made absolute."""
    names: set[str] = set()
    package = module.split(".") if is_package else module.split(".")[:-1]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package[: len(package) - (node.level - 1)]
                base = ".".join([*anchor, *([base] if base else [])])
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return {".".join(name.split(".")[:end]) for name in names for end in range(1, name.count(".") + 2)}


def import_graph(files: Mapping[str, Path]) -> dict[str, set[str]]:
    """Module -> the modules of ``files`` it imports (itself excluded)."""
    graph: dict[str, set[str]] = {}
    for module, path in files.items():
        names = imported_names(
            module, path.read_text(encoding="utf-8"), is_package=path.name == "__init__.py"
        )
        graph[module] = {name for name in names if name in files and name != module}
    return graph


def find_cycle(graph: Mapping[str, Iterable[str]]) -> list[str] | None:
    """One cycle of ``graph`` as the list of its modules with the first repeated at the end,
    or None when the graph is acyclic."""
    state: dict[str, str] = {}  # "open" while on the current path, "done" once fully explored
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = "open"
        path.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == "open":
                return [*path[path.index(target) :], target]
            if target not in state:
                cycle = visit(target)
                if cycle:
                    return cycle
        path.pop()
        state[node] = "done"
        return None

    for node in sorted(graph):
        if node not in state:
            cycle = visit(node)
            if cycle:
                return cycle
    return None


def test_the_generator_and_the_tools_have_no_import_cycle() -> None:
    graph = import_graph(module_files())
    assert {"generator.context", "generator.spec", "tools.upstream_evidence", "codegen"} <= graph.keys()
    cycle = find_cycle(graph)
    assert cycle is None, (
        "import cycle: "
        + " -> ".join(cycle)
        + ". Move what both sides need into a module below them, so imports go one way."
    )


def test_the_graph_follows_every_kind_of_import(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("from . import base\n")
    (package / "base.py").write_text("X = 1\n")
    (package / "top.py").write_text(
        "from __future__ import annotations\n"
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from pkg.lazy import Y\n"
        "def f() -> None:\n"
        "    import pkg.other\n"
        "from .base import X\n"
    )
    (package / "lazy.py").write_text("Y = 2\n")
    (package / "other.py").write_text("from pkg import top\n")
    graph = import_graph(module_files(tmp_path, ["pkg"]))
    assert graph == {
        "pkg": {"pkg.base"},
        "pkg.base": set(),
        "pkg.top": {"pkg", "pkg.base", "pkg.lazy", "pkg.other"},
        "pkg.lazy": set(),
        "pkg.other": {"pkg", "pkg.top"},
    }
    assert find_cycle(graph) == ["pkg.other", "pkg.top", "pkg.other"]


@pytest.mark.parametrize(
    ("graph", "cycle"),
    [
        ({"a": {"b"}, "b": {"c"}, "c": set()}, None),
        ({"a": {"b", "c"}, "b": {"c"}, "c": set()}, None),  # a diamond is no cycle
        ({"a": {"b"}, "b": {"c"}, "c": {"a"}}, ["a", "b", "c", "a"]),
        ({"a": {"b"}, "b": {"b2"}, "b2": {"b"}}, ["b", "b2", "b"]),
    ],
)
def test_find_cycle(graph: dict[str, set[str]], cycle: list[str] | None) -> None:
    assert find_cycle(graph) == cycle

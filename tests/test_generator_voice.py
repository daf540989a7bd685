"""Docstrings speak Python: no wire parameter name, operation id or placeholder reaches a
generated docstring (generator/voice.py)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from generator.context import Context, build_context
from generator.names import translate
from generator.spec import Document

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "generated" / "trigger_dev"
RUNTIME = {
    path.relative_to(ROOT / "templates" / "runtime").as_posix()
    for path in (ROOT / "templates" / "runtime").rglob("*.py")
}


@pytest.fixture(scope="module")
def context() -> Context:
    return build_context(Document.load())


def docstrings() -> list[tuple[str, str]]:
    """(where, docstring) of every module, class and function the templates render."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.relative_to(PACKAGE).as_posix() in RUNTIME:
            continue  # hand-written runtime modules, copied as they are
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
                doc = ast.get_docstring(node)
                if doc:
                    found.append((f"{path.relative_to(PACKAGE)}:{getattr(node, 'name', '<module>')}", doc))
    return found


def wire_names(context: Context) -> dict[str, str]:
    """Every wire name whose Python name differs: parameters, body and option fields, model fields."""
    names = {p.wire: p.python for route in context.routes for p in route.params if p.wire != p.python}
    names |= {f.wire: f.python for model in context.models for f in model.fields if f.wire != f.python}
    names |= {f.wire: f.key for t in context.input_types for f in t.fields if f.wire != f.key}
    return names


def test_no_docstring_names_a_wire_parameter_or_an_operation_id(context: Context) -> None:
    wire = wire_names(context)
    operation_ids = {route.operation_id for route in context.routes}
    problems = []
    for where, doc in docstrings():
        for token in re.findall(r"(?<!`)`([^`\n]+)`(?!`)", doc):
            name = token.partition(": ")[0]
            if name in wire or name in operation_ids or name.split(".")[0] in wire:
                problems.append(f"{where}: `{token}`")
        problems += [f"{where}: {m}" for m in re.findall(r"\b(?:filter|page)\[[^\s`]*", doc)]
        problems += [f"{where}: {op}" for op in operation_ids if re.search(rf"\b{op}\b", doc)]
    assert not problems, "wire words in docstrings:\n" + "\n".join(sorted(set(problems)))


def test_no_placeholder_docstrings() -> None:
    placeholders = [where for where, doc in docstrings() if re.fullmatch(r"`+[\w\[\]]+`+ on the wire\.", doc)]
    assert not placeholders


def test_the_route_of_each_credential_is_named_once_with_python_placeholders() -> None:
    from trigger_dev.resources.runs import Runs

    text = Runs.list.__doc__ or ""
    assert text.count("``GET /api/v1/runs``") == 1
    assert text.count("``GET /api/v1/projects/{project_ref}/runs``") == 1
    assert "`from_`" in text and "`period`" in text and "projectRef" not in text


def test_the_most_read_models_describe_their_fields(context: Context) -> None:
    wanted = {
        "Run", "ListRunItem", "TriggerTaskResponse", "Schedule", "EnvironmentVariable", "Batch",
        "Queue", "WaitpointTokenDetail", "Deployment", "BulkAction",
    }  # fmt: skip
    bare = [
        f"{m.name}.{f.python}"
        for m in context.models
        if m.name in wanted
        for f in m.fields
        if not f.description
    ]
    assert not bare


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Unless `filter[createdAt][from]` is given", "Unless `from_` is given"),
        ("comes back with `isCached: true`", "comes back with `is_cached` True"),
        ("see `listRuns`; `stg` stays", "see `runs.list`; `stg` stays"),
        ("upload with `presign`", "upload with ``PUT /x/{file_name}``"),
        ("when `options.idempotencyKey` matches", 'when `options["idempotency_key"]` matches'),
        ("``filter[createdAt][from]=1``", "``filter[createdAt][from]=1``"),
    ],
)
def test_translate(text: str, expected: str) -> None:
    words = {
        "filter[createdAt][from]": "from_",
        "isCached": "is_cached",
        "listRuns": "runs.list",
        "presign": "``PUT /x/{file_name}``",
        "options.idempotencyKey": 'options["idempotency_key"]',
    }
    assert translate(text, words) == expected

"""`make diff`: every class of change is named and classified, on the wire and in Python."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from tools.spec_diff import Change, WireDiff, sdk_changes

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "diff" / "base.yaml"
BASE: dict[str, Any] = YAML(typ="safe").load(FIXTURE.read_text())

Edit = Callable[[dict[str, Any]], object]


def things(spec: dict[str, Any]) -> dict[str, Any]:
    return spec["paths"]["/api/v1/things"]


def list_params(spec: dict[str, Any]) -> list[dict[str, Any]]:
    return things(spec)["get"]["parameters"]


def create_body(spec: dict[str, Any]) -> dict[str, Any]:
    return things(spec)["post"]["requestBody"]["content"]["application/json"]["schema"]


def schema(spec: dict[str, Any], name: str) -> dict[str, Any]:
    return spec["components"]["schemas"][name]


def set_item(target: Callable[[dict[str, Any]], Any], key: Any, value: Any) -> Edit:
    return lambda spec: target(spec).__setitem__(key, value)


def add_param(spec: dict[str, Any], **param: Any) -> None:
    list_params(spec).append({"in": "query", "schema": {"type": "string"}, **param})


# (name of the case, the edit, the level it must be classified as, words the change must contain)
CASES: list[tuple[str, Edit, str, str]] = [
    ("operation removed", lambda s: things(s).pop("post"), "breaking", "operation removed"),
    (
        "operation added",
        lambda s: things(s).__setitem__(
            "delete",
            {
                **things(s)["post"],
                "operationId": "deleteThing",
                "x-sdk": {"resource": "things", "method": "delete"},
                "requestBody": None,
            },
        ),
        "additive",
        "operation added",
    ),
    (
        "SDK method renamed",
        lambda s: things(s)["post"]["x-sdk"].__setitem__("method", "make"),
        "breaking",
        "things.create renamed to things.make",
    ),
    (
        "optional parameter added",
        lambda s: add_param(s, name="filter[tag]", **{"x-python-name": "tag"}),
        "additive",
        "optional parameter filter[tag] (tag) added",
    ),
    (
        "required parameter added",
        lambda s: add_param(s, name="filter[env]", required=True),
        "breaking",
        "required parameter filter[env]",
    ),
    (
        "parameter removed",
        lambda s: list_params(s).pop(0),
        "breaking",
        "parameter page[size] (limit) removed",
    ),
    (
        "parameter renamed on the wire",
        lambda s: list_params(s)[0].__setitem__("name", "page[limit]"),
        "possibly breaking",
        "renamed on the wire to page[limit]",
    ),
    (
        "parameter's Python name changed",
        lambda s: list_params(s)[0].__setitem__("x-python-name", "page_size"),
        "breaking",
        "Python name limit renamed to page_size",
    ),
    (
        "parameter now required",
        lambda s: list_params(s)[0].__setitem__("required", True),
        "breaking",
        "parameter page[size] is now required",
    ),
    (
        "parameter type changed",
        lambda s: list_params(s)[0].__setitem__("schema", {"type": "string"}),
        "breaking",
        "type changed from ['integer'] to ['string']",
    ),
    (
        "request field added (optional)",
        lambda s: create_body(s)["properties"].__setitem__("size", {"type": "integer"}),
        "additive",
        "field size added (optional, request)",
    ),
    (
        "request field added (required)",
        lambda s: (
            create_body(s)["properties"].__setitem__("size", {"type": "integer"}),
            create_body(s)["required"].append("size"),
        ),
        "breaking",
        "field size added (required, request)",
    ),
    (
        "request field removed",
        lambda s: create_body(s)["properties"].pop("color"),
        "breaking",
        "field color removed (request)",
    ),
    (
        "request field now required",
        lambda s: create_body(s)["required"].append("color"),
        "breaking",
        "field color is now required (request)",
    ),
    (
        "request field now optional",
        lambda s: create_body(s).__setitem__("required", []),
        "additive",
        "field name is now optional (request)",
    ),
    (
        "request field nullable",
        lambda s: create_body(s)["properties"]["color"].__setitem__("type", ["string", "null"]),
        "additive",
        "color is now nullable",
    ),
    (
        "request constraint tightened",
        lambda s: create_body(s)["properties"]["name"].__setitem__("maxLength", 10),
        "possibly breaking",
        "maxLength changed from 64 to 10",
    ),
    (
        "response field added",
        lambda s: schema(s, "Thing")["properties"].__setitem__("size", {"type": "integer"}),
        "additive",
        "field size added (optional, response)",
    ),
    (
        "response field removed",
        lambda s: schema(s, "Thing")["properties"].pop("note"),
        "breaking",
        "field note removed (response)",
    ),
    (
        "response field type changed",
        lambda s: schema(s, "Thing")["properties"]["note"].__setitem__("type", "integer"),
        "breaking",
        "note type changed",
    ),
    (
        "response field now nullable",
        lambda s: schema(s, "Thing")["properties"]["note"].__setitem__("type", ["string", "null"]),
        "possibly breaking",
        "note is now nullable",
    ),
    (
        "response field no longer nullable",
        lambda s: schema(s, "Thing")["properties"]["doneAt"].__setitem__("type", "string"),
        "additive",
        "doneAt is no longer nullable",
    ),
    (
        "response field now optional",
        lambda s: schema(s, "Thing")["required"].remove("status"),
        "possibly breaking",
        "field status is now optional (response)",
    ),
    (
        "response enum value added",
        lambda s: schema(s, "Status")["enum"].append("ARCHIVED"),
        "additive",
        "enum value 'ARCHIVED' added (response)",
    ),
    (
        "response enum value removed",
        lambda s: schema(s, "Status")["enum"].remove("DONE"),
        "possibly breaking",
        "enum value 'DONE' removed (response)",
    ),
    (
        "request enum value added",
        lambda s: schema(s, "StatusFilter")["enum"].append("ARCHIVED"),
        "additive",
        "enum value 'ARCHIVED' added (request)",
    ),
    (
        "request enum value removed",
        lambda s: schema(s, "StatusFilter")["enum"].remove("DONE"),
        "breaking",
        "enum value 'DONE' removed (request)",
    ),
    (
        "credential dropped",
        lambda s: things(s)["get"].__setitem__("security", [{"secretKey": []}]),
        "breaking",
        "no longer accepts a personal access token",
    ),
    (
        "credential added",
        lambda s: things(s)["post"]["security"].append({"personalAccessToken": []}),
        "additive",
        "now accepts a personal access token",
    ),
    (
        "a second SDK method on a route",
        lambda s: things(s)["post"].__setitem__(
            "x-sdk",
            [
                {**things(s)["post"]["x-sdk"], "fixed": {"mode": "a"}},
                {**things(s)["post"]["x-sdk"], "method": "make_b", "fixed": {"mode": "b"}},
            ],
        ),
        "additive",
        "SDK method things.make_b added on this route",
    ),
    (
        "pagination changed",
        lambda s: things(s)["get"]["x-sdk"].__setitem__("pagination", "page"),
        "breaking",
        "pagination changed from cursor to page",
    ),
    (
        "description edited",
        lambda s: schema(s, "Thing")["properties"]["id"].__setitem__("description", "Its id."),
        "docs",
        "description edited",
    ),
    (
        "summary edited",
        lambda s: things(s)["get"].__setitem__("summary", "List every thing."),
        "docs",
        "summary edited",
    ),
    (
        "operationId renamed",
        lambda s: things(s)["post"].__setitem__("operationId", "makeThing"),
        "docs",
        "operationId createThing renamed to makeThing",
    ),
]


def wire_changes(edit: Edit) -> list[Change]:
    head = copy.deepcopy(BASE)
    edit(head)
    return WireDiff(BASE, head).run()


def test_identical_documents_have_no_changes() -> None:
    assert WireDiff(BASE, copy.deepcopy(BASE)).run() == []


@pytest.mark.parametrize(("edit", "level", "words"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_kind_of_change_is_named_and_classified(edit: Edit, level: str, words: str) -> None:
    changes = wire_changes(edit)
    matching = [c for c in changes if words in c.what]
    assert matching, f"no change mentions {words!r}: {changes}"
    assert {c.level for c in matching} == {level}, matching
    # An edit that only touches documentation is reported as nothing else.
    if level == "docs":
        assert {c.level for c in changes} == {"docs"}


# --- the real spec, with scripted edits, through the command line


def run_diff(base: Path, head: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [
        sys.executable,
        str(ROOT / "tools" / "spec_diff.py"),
        "--base",
        str(base),
        "--head",
        str(head),
        *args,
    ]
    return subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=300)


@pytest.fixture(scope="module")
def edited_spec(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The real spec, and a copy with edits a pull request might make."""
    folder = tmp_path_factory.mktemp("specs")
    yaml = YAML(typ="safe")
    spec = yaml.load((ROOT / "openapi" / "trigger.yaml").read_text())
    runs_cancel = spec["paths"]["/api/v2/runs/{runId}/cancel"]["post"]
    runs_cancel["x-sdk"]["method"] = "abort"  # an SDK rename: the wire is unchanged
    spec["components"]["schemas"]["RunStatus"]["enum"].append("HIBERNATING")  # additive for us
    # RunStatusFilter takes every RunStatus member (x-sdk-accepts), so the filter learns it too.
    spec["components"]["schemas"]["RunStatusFilter"]["enum"].append("HIBERNATING")
    spec["paths"]["/api/v1/projects/{projectRef}/envvars/{environment}"]["get"]["security"] = [
        {"secretKey": []}
    ]
    spec["components"]["schemas"]["TriggerTaskResponse"]["properties"]["isCached"]["description"] = (
        "Reworded."
    )
    base, head = folder / "base.yaml", folder / "head.yaml"
    base.write_text((ROOT / "openapi" / "trigger.yaml").read_text())
    with head.open("w") as out:
        yaml.dump(spec, out)
    return base, head


def test_the_real_spec_with_a_scripted_edit(edited_spec: tuple[Path, Path]) -> None:
    result = run_diff(*edited_spec, "--format", "json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    changes = {(c["level"], c["layer"], c["what"]) for c in report["changes"]}
    assert ("breaking", "wire", "SDK method runs.cancel renamed to runs.abort") in changes
    assert ("breaking", "wire", "no longer accepts a personal access token") in changes
    assert any(level == "additive" and "'HIBERNATING' added (response)" in what for level, _, what in changes)
    assert any(level == "docs" and "isCached: description edited" in what for level, _, what in changes)
    # The Python surface: the method is gone under its old name and present under the new one.
    python = {(c["level"], c["where"], c["what"]) for c in report["changes"] if c["layer"] == "sdk"}
    assert ("breaking", "resources.runs.Runs", "cancel renamed to abort") in python
    assert any(where.startswith("models.run_status.RunStatus.HIBERNATING") for _, where, _ in python)
    assert report["summary"]["breaking"] >= 3


def test_fail_on_breaking_and_the_other_formats(edited_spec: tuple[Path, Path]) -> None:
    failing = run_diff(*edited_spec, "--fail-on", "breaking")
    assert failing.returncode == 1
    assert failing.stdout.splitlines()[0].startswith(
        f"API changes from {edited_spec[0]} to {edited_spec[1]}:"
    )
    assert "\nBREAKING (" in failing.stdout
    markdown = run_diff(*edited_spec, "--format", "markdown")
    assert markdown.stdout.startswith("## API changes:")
    assert "### Breaking" in markdown.stdout and "### Documentation only" in markdown.stdout
    same = run_diff(edited_spec[0], edited_spec[0], "--fail-on", "breaking")
    assert same.returncode == 0
    assert "0 breaking, 0 possibly breaking, 0 additive, 0 docs-only" in same.stdout


def test_python_symbols_removed_renamed_and_added(tmp_path: Path) -> None:
    old = tmp_path / "old" / "trigger_dev"
    new = tmp_path / "new" / "trigger_dev"
    for package in (old, new):
        (package / "models").mkdir(parents=True)
        (package / "__init__.py").write_text("")
        (package / "models" / "__init__.py").write_text("")
    (old / "models" / "thing.py").write_text(
        "class Thing:\n    note: str\n    def to_dict(self, deep: bool) -> dict: ...\n"
    )
    (new / "models" / "thing.py").write_text(
        "class Thing:\n    remark: str\n    size: int\n    def to_dict(self) -> dict: ...\n"
    )
    changes = {(c.level, c.where, c.what) for c in sdk_changes(old, new)}
    assert ("breaking", "models.thing.Thing", "note renamed to remark") not in changes  # two added: ambiguous
    assert ("breaking", "models.thing.Thing.note", "removed") in changes
    assert ("additive", "models.thing.Thing.size", "attribute added") in changes
    assert ("breaking", "models.thing.Thing.to_dict", "Parameter was removed: deep") in changes

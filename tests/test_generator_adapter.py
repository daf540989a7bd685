"""What the generator relies on in openapi-python-client, pinned in one place.

`generator/openapi_parser.py` is the only module that imports the library. These tests check
the names it imports, the attributes the generator reads on what the parser returns, and the
shape of a parse of a small document, so that after a version bump the first failure is
here and says what changed, rather than a traceback deep in generation (or, worse, a
quietly different generated/). On a bump: make these pass by changing the adapter only,
then `make generate` and read the diff of generated/.
"""

from __future__ import annotations

import ast
import importlib
import importlib.metadata
import re
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
ADAPTER = ROOT / "generator" / "openapi_parser.py"
LIBRARY = "openapi_python_client"
DISTRIBUTION = "openapi-python-client"
# Where Python code of this repository lives (the runtime never uses the library).
SCANNED = ("codegen.py", "noxfile.py", "generator", "tools", "tests", "examples", "templates", "generated")

REF = "#/components/schemas/"

# A small document with one of each construct the generator reads from the parse.
SPEC: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Adapter check", "version": "1"},
    "paths": {
        "/things/{thingId}": {
            "post": {
                "operationId": "createThing",
                "tags": ["things"],
                "parameters": [
                    {"name": "thingId", "in": "path", "required": True, "schema": {"type": "string"}},
                    {"name": "pageSize", "in": "query", "schema": {"type": "integer"}},
                ],
                "requestBody": {"content": {"application/json": {"schema": {"$ref": REF + "ThingInput"}}}},
                "responses": {
                    "200": {
                        "description": "The thing.",
                        "content": {"application/json": {"schema": {"$ref": REF + "Thing"}}},
                    }
                },
            }
        },
        "/lines": {
            "post": {
                "operationId": "sendLines",
                "tags": ["lines"],
                "requestBody": {
                    "content": {
                        "application/x-ndjson": {
                            "schema": {"type": "object", "properties": {"n": {"type": "integer"}}}
                        }
                    }
                },
                "responses": {
                    "200": {
                        "description": "The things.",
                        "content": {
                            "application/json": {
                                "schema": {"type": "array", "items": {"$ref": REF + "Thing"}}
                            }
                        },
                    }
                },
            }
        },
    },
    "components": {
        "schemas": {
            "Status": {"type": "string", "enum": ["QUEUED", "COMPLETED"], "description": "Where it is."},
            "ThingInput": {"type": "object", "properties": {"name": {"type": "string"}}},
            "Thing": {
                "type": "object",
                "description": "A thing.",
                "required": ["id", "status"],
                "properties": {
                    "tags": {"type": "array", "items": {"$ref": REF + "Status"}},
                    "id": {"type": "string", "description": "The id."},
                    "status": {"$ref": REF + "Status"},
                    "count": {"type": "integer"},
                    "ratio": {"type": "number"},
                    "isTest": {"type": "boolean"},
                    "createdAt": {"type": "string", "format": "date-time"},
                    "payload": {},
                    "metadata": {"type": "object", "additionalProperties": {"type": "string"}},
                    "parent": {"oneOf": [{"$ref": REF + "ThingInput"}, {"type": "null"}]},
                    "note": {"type": ["string", "null"]},
                },
            },
        }
    },
}

NDJSON_AS_JSON = {"application/x-ndjson": "application/json"}


def _library_imports(tree: ast.AST) -> list[tuple[str, str]]:
    """(module, name) of each import of the library in ``tree``; name is "" for ``import m``."""
    found: list[tuple[str, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((a.name, "") for a in node.names if a.name.split(".")[0] == LIBRARY)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == LIBRARY:
            found.extend((node.module or "", a.name) for a in node.names)
    return found


def _pin(path: Path) -> str:
    match = re.search(rf"{DISTRIBUTION}==([\w.]+)", path.read_text(encoding="utf-8"))
    assert match, f"{path.name} no longer pins {DISTRIBUTION}"
    return match.group(1)


@pytest.fixture(scope="module")
def parser() -> ModuleType:
    # Imported here, not at the top: if a bump breaks the adapter's own imports, the test of
    # the names still runs and lists every one that moved.
    return importlib.import_module("generator.openapi_parser")


@pytest.fixture(scope="module")
def parsed(parser: ModuleType) -> Any:
    return parser.parse(SPEC, Path("adapter-check.yaml"), content_type_overrides=NDJSON_AS_JSON)


def _pinned_in_adapter() -> str:
    """PINNED_VERSION, read without importing the adapter."""
    for node in ast.parse(ADAPTER.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and [ast.unparse(t) for t in node.targets] == ["PINNED_VERSION"]:
            return str(ast.literal_eval(node.value))
    raise AssertionError("generator/openapi_parser.py no longer sets PINNED_VERSION")


def test_one_version_is_pinned_installed_and_checked() -> None:
    pinned = {
        "pyproject.toml (dev extra)": _pin(ROOT / "pyproject.toml"),
        "noxfile.py": _pin(ROOT / "noxfile.py"),
        "generator/openapi_parser.py (PINNED_VERSION)": _pinned_in_adapter(),
        "installed (make setup)": importlib.metadata.version(DISTRIBUTION),
    }
    assert len(set(pinned.values())) == 1, (
        f"{DISTRIBUTION} versions disagree: {pinned}. After a bump, make this file pass, "
        "then set PINNED_VERSION and both pins to the new version."
    )


def test_the_library_still_has_every_name_the_adapter_imports() -> None:
    # Checked one by one, so a bump that moves several names lists them all at once.
    missing = []
    for module, name in _library_imports(ast.parse(ADAPTER.read_text(encoding="utf-8"))):
        try:
            imported = importlib.import_module(module)
        except ImportError:
            missing.append(f"module {module}")
            continue
        if name and not hasattr(imported, name):
            missing.append(f"{module}.{name}")
    assert not missing, (
        f"{DISTRIBUTION} {importlib.metadata.version(DISTRIBUTION)} lacks what "
        "generator/openapi_parser.py imports: " + ", ".join(missing)
    )


def test_no_other_module_imports_the_library() -> None:
    files = [ROOT / part for part in SCANNED if (ROOT / part).is_file()]
    files += [path for part in SCANNED if (ROOT / part).is_dir() for path in (ROOT / part).rglob("*.py")]
    offenders = sorted(
        str(path.relative_to(ROOT))
        for path in files
        if path != ADAPTER
        and "node_modules" not in path.parts
        and _library_imports(ast.parse(path.read_text(encoding="utf-8")))
    )
    assert _library_imports(ast.parse(ADAPTER.read_text(encoding="utf-8")))
    assert not offenders, (
        f"only generator/openapi_parser.py may import {LIBRARY}; import from it instead in {offenders}"
    )


def test_models_and_enums_with_their_class_info(parser: ModuleType, parsed: Any) -> None:
    models = {str(m.class_info.name): m for m in parsed.models}
    # An inline map or request body becomes a model named after where it is.
    assert set(models) == {"Thing", "ThingInput", "ThingMetadata", "SendLinesBody"}
    assert {name: str(m.class_info.module_name) for name, m in models.items()} == {
        "Thing": "thing",
        "ThingInput": "thing_input",
        "ThingMetadata": "thing_metadata",
        "SendLinesBody": "send_lines_body",
    }, "class_info.module_name names the generated module of each model"
    assert parser.text_of(models["Thing"].description) == "A thing."
    assert parser.text_of(models["ThingInput"].description) == ""

    (status,) = parsed.enums
    assert isinstance(status, parser.EnumProperty)
    assert str(status.class_info.name) == "Status"
    assert str(status.class_info.module_name) == "status"
    assert status.values == {"QUEUED": "QUEUED", "COMPLETED": "COMPLETED"}, (
        "EnumProperty.values: member -> value"
    )
    assert parser.text_of(status.description) == "Where it is."


def test_properties_by_schema(parser: ModuleType, parsed: Any) -> None:
    thing = next(m for m in parsed.models if m.class_info.name == "Thing")
    assert isinstance(thing, parser.ModelProperty)
    props = parser.properties_of(thing)
    # Required first, then optional, each in the document's order.
    assert [(parser.wire_name(p), type(p).__name__, p.required) for p in props] == [
        ("id", "StringProperty", True),
        ("status", "EnumProperty", True),
        ("tags", "ListProperty", False),
        ("count", "IntProperty", False),
        ("ratio", "FloatProperty", False),
        ("isTest", "BooleanProperty", False),
        ("createdAt", "DateTimeProperty", False),
        ("payload", "AnyProperty", False),
        ("metadata", "ModelProperty", False),
        ("parent", "UnionProperty", False),
        ("note", "UnionProperty", False),
    ]
    by_name = {parser.wire_name(p): p for p in props}
    assert parser.text_of(by_name["id"].description) == "The id."
    for name, cls in [
        ("id", parser.StringProperty),
        ("count", parser.IntProperty),
        ("ratio", parser.FloatProperty),
        ("isTest", parser.BooleanProperty),
        ("createdAt", parser.DateTimeProperty),
        ("payload", parser.AnyProperty),
    ]:
        assert type(by_name[name]) is cls, f"the type map looks {name}'s class up exactly"

    tags = by_name["tags"]
    assert isinstance(tags, parser.ListProperty)
    assert isinstance(tags.inner_property, parser.EnumProperty)
    assert str(tags.inner_property.class_info.name) == "Status"

    parent, note = by_name["parent"], by_name["note"]
    assert isinstance(parent, parser.UnionProperty) and isinstance(note, parser.UnionProperty)
    assert [type(p) for p in parent.inner_properties] == [parser.ModelProperty, parser.NoneProperty]
    assert str(parent.inner_properties[0].class_info.name) == "ThingInput"
    assert [type(p) for p in note.inner_properties] == [parser.StringProperty, parser.NoneProperty]

    metadata = by_name["metadata"]
    assert isinstance(metadata, parser.ModelProperty)
    assert str(metadata.class_info.name) == "ThingMetadata"
    registered = next(m for m in parsed.models if m.class_info.name == "ThingMetadata")
    assert not (registered.required_properties or registered.optional_properties), "a map has no properties"
    assert isinstance(registered.additional_properties, parser.StringProperty)


def test_endpoints(parser: ModuleType, parsed: Any) -> None:
    assert set(parsed.endpoint_collections_by_tag) == {"things", "lines"}
    endpoints = {str(e.name): e for c in parsed.endpoint_collections_by_tag.values() for e in c.endpoints}
    # The generator finds an operation's endpoint by the snake_case of its operationId.
    assert set(endpoints) == {parser.snake_case("createThing"), parser.snake_case("sendLines")}
    create = endpoints["create_thing"]
    assert isinstance(create, parser.Endpoint)
    assert [parser.wire_name(p) for p in create.path_parameters] == ["thingId"]
    assert [parser.wire_name(p) for p in create.query_parameters] == ["pageSize"]
    assert type(create.query_parameters[0]) is parser.IntProperty
    (body,) = create.bodies
    assert isinstance(body.prop, parser.ModelProperty)
    assert str(body.prop.class_info.name) == "ThingInput"
    (response,) = create.responses.patterns
    assert response.status_code.range == (200, 200)
    assert isinstance(response.prop, parser.ModelProperty)
    assert str(response.prop.class_info.name) == "Thing"

    # The NDJSON body parses only with the content type override the spec stage passes.
    lines = endpoints["send_lines"]
    assert [type(b.prop) for b in lines.bodies] == [parser.ModelProperty]
    (listed,) = lines.responses.patterns
    assert isinstance(listed.prop, parser.ListProperty)
    assert isinstance(listed.prop.inner_property, parser.ModelProperty)


@pytest.mark.parametrize(
    ("wire", "snake"),
    [
        ("createdAt", "created_at"),
        ("runIds", "run_ids"),
        ("isTest", "is_test"),
        ("idempotencyKeyTTL", "idempotency_key_ttl"),
        ("batchTriggerV3", "batch_trigger_v3"),
        ("ThingInput", "thing_input"),
        ("env_vars", "env_vars"),
    ],
)
def test_snake_case(parser: ModuleType, wire: str, snake: str) -> None:
    assert parser.snake_case(wire) == snake


@pytest.mark.parametrize(
    ("name", "pascal"), [("runs", "Runs"), ("env_vars", "EnvVars"), ("envvars", "Envvars")]
)
def test_pascal_case(parser: ModuleType, name: str, pascal: str) -> None:
    assert parser.pascal_case(name) == pascal


def test_problems_are_raised_with_the_parsers_words(parser: ModuleType) -> None:
    with pytest.raises(parser.ParserProblems, match="Failed to parse OpenAPI document"):
        parser.parse({"openapi": "3.1.0"}, Path("broken.yaml"), content_type_overrides={})
    with pytest.raises(parser.ParserProblems, match=r"(?s)reported problems with the spec:\n- .*x-ndjson"):
        parser.parse(SPEC, Path("adapter-check.yaml"), content_type_overrides={})

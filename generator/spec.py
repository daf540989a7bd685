"""Load the API description and resolve its references: the first stage of the pipeline."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from generator.openapi_parser import Endpoint, GeneratorData, ParserProblems, parse

ROOT = Path(__file__).resolve().parent.parent


SPEC = ROOT / "openapi" / "trigger.yaml"


TEMPLATES = ROOT / "templates"


OUTPUT = ROOT / "generated"


PACKAGE = "trigger_dev"


README = ROOT / "README.md"


DOCS = ROOT / "docs"


# Wire media types the parser does not know, read as JSON (each NDJSON line is one object).
CONTENT_TYPE_OVERRIDES = {"application/x-ndjson": "application/json"}


HTTP_METHODS = ("get", "put", "post", "delete", "patch")


class GenerationError(Exception):
    pass


def load_spec(path: Path = SPEC) -> dict[str, Any]:
    spec = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    if not isinstance(spec, dict):
        raise GenerationError(f"{path} is not an OpenAPI document")
    return spec


def parse_spec(spec: dict[str, Any], path: Path = SPEC) -> GeneratorData:
    try:
        return parse(spec, path, content_type_overrides=CONTENT_TYPE_OVERRIDES)
    except ParserProblems as problems:
        raise GenerationError(str(problems)) from problems


class Resolver:
    """Follows local `$ref`s in the raw document."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec

    def __call__(self, node: Any) -> Any:
        seen = 0
        while isinstance(node, dict) and "$ref" in node:
            ref = node["$ref"]
            if not ref.startswith("#/"):
                raise GenerationError(f"only local references are supported, got {ref}")
            node = self.spec
            for part in ref[2:].split("/"):
                node = node[part.replace("~1", "/").replace("~0", "~")]
            seen += 1
            if seen > 20:
                raise GenerationError(f"reference loop at {ref}")
        return node


class Document:
    """The API description twice over: the raw mapping (vendor extensions, security) and
    openapi-python-client's parse of it (models, properties), with lookups both need."""

    def __init__(self, spec: dict[str, Any], data: GeneratorData) -> None:
        self.spec = spec
        self.data = data
        self.resolve = Resolver(spec)
        self.models = {str(m.class_info.name): m for m in data.models}
        self.enums = {str(e.class_info.name): e for e in data.enums}
        self.endpoints: dict[str, Endpoint] = {
            str(e.name): e for c in data.endpoint_collections_by_tag.values() for e in c.endpoints
        }
        self.schemes: dict[str, Any] = spec.get("components", {}).get("securitySchemes", {})

    @classmethod
    def load(cls, path: Path = SPEC) -> Document:
        spec = load_spec(path)
        return cls(spec, parse_spec(spec, path))

    def module_of(self, class_name: str) -> str:
        prop = self.models.get(class_name) or self.enums[class_name]
        return str(prop.class_info.module_name)

    def raw_operations(self) -> Iterator[tuple[str, str, dict[str, Any], dict[str, Any]]]:
        for path, item in self.spec["paths"].items():
            for method in HTTP_METHODS:
                if method in item:
                    yield path, method, item[method], item

    @staticmethod
    def sdk_methods(operation: dict[str, Any]) -> list[dict[str, Any]]:
        """The SDK methods an operation backs: ``x-sdk`` is one mapping, or a list of them when
        one route serves several methods that differ in fixed arguments (queue pause/resume)."""
        sdk = operation.get("x-sdk")
        if not sdk:
            raise GenerationError(f"{operation.get('operationId')} has no x-sdk extension")
        entries = sdk if isinstance(sdk, list) else [sdk]
        if len(entries) > 1 and not all(entry.get("fixed") for entry in entries):
            raise GenerationError(
                f"{operation.get('operationId')}: methods sharing one route must differ in `fixed` arguments"
            )
        return [dict(entry) for entry in entries]

    def path_item_parameters(self, operation: dict[str, Any]) -> list[Any]:
        for item in self.spec["paths"].values():
            if any(item.get(method) is operation for method in HTTP_METHODS):
                return list(item.get("parameters", []))
        return []

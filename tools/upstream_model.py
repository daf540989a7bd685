"""The upstream evidence files and the spec's ``x-upstream`` marks, as both the checker
(`tools.upstream_evidence`) and the fixture writer (`tools.upstream_fixtures`) read them.

Both tools import from here and this module from neither, so the two never import each other.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "openapi" / "trigger.yaml"
EVIDENCE_DIR = ROOT / "tests" / "fixtures" / "upstream"
# The official client wraps list items in these page schemas (inline in its fetch helpers).
PAGE_SCHEMAS = {
    "cursor": ("CursorPage", "cursorPageSchema"),
    "offset": ("OffsetLimitPage", "offsetLimitPageSchema"),
}
# The reference an evidence schema makes to the item schema of a page.
ITEM = "$item"
HTTP_METHODS = ("get", "put", "post", "delete", "patch")

Node = dict[str, Any]


def load_spec() -> dict[str, Any]:
    spec = YAML(typ="safe").load(SPEC.read_text(encoding="utf-8"))
    assert isinstance(spec, dict)
    return spec


def spec_operations(spec: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in spec["paths"].items():
        for method in HTTP_METHODS:
            if method in item:
                yield path, method, item[method]


@dataclass
class Evidence:
    version: str
    tag: str
    path: Path
    schemas: dict[str, Any]

    @classmethod
    def load(cls, path: Path) -> Evidence:
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(data["source"]["version"], data["source"]["tag"], path, data["schemas"])

    def resolve(self, node: Node, item: Node | None = None) -> Node:
        """The node itself, with a reference replaced by what it names (modifiers kept)."""
        seen = 0
        while "ref" in node:
            ref = node["ref"]
            target = item if ref == ITEM else self.schemas[ref]["schema"]
            if target is None:
                raise KeyError(ref)
            modifiers = {k: v for k, v in node.items() if k != "ref"}
            node = {**target, **modifiers}
            seen += 1
            if seen > 50:
                raise ValueError(f"reference loop at {ref}")
        return node

    def source_of(self, name: str) -> str:
        entry = self.schemas[name]
        return f"{entry['file']}:{entry['line']}"


def load_evidence(directory: Path = EVIDENCE_DIR) -> list[Evidence]:
    found = [Evidence.load(p) for p in sorted(directory.glob("zod-*.json"))]
    return sorted(found, key=lambda e: tuple(int(x) for x in e.version.split(".")))


@dataclass
class Upstreamed:
    """One operation and the official client's reading of its success body."""

    operation_id: str
    method: str
    path: str
    status: str
    schema: Node  # the spec's response schema (raw, unresolved)
    response: str
    page: str | None
    array: bool
    since: str | None

    def zod_root(self, evidence: Evidence) -> Node | None:
        """The zod node the whole body is parsed with, or None when this release lacks it."""
        if self.response not in evidence.schemas:
            return None
        item: Node = {"ref": self.response}
        if self.page:
            return {"ref": PAGE_SCHEMAS[self.page][0], "item": item}
        if self.array:
            return {"type": "array", "items": item}
        return item


def upstreamed_operations(spec: dict[str, Any]) -> list[Upstreamed]:
    found = []
    for path, method, operation in spec_operations(spec):
        mark = operation.get("x-upstream")
        if mark is None or "none" in mark:  # no body the official SDK checks (the reason says why)
            continue
        status, response = next(
            (code, r) for code, r in operation["responses"].items() if str(code).startswith("2")
        )
        response = resolve_spec(spec, response)
        schema = response.get("content", {}).get("application/json", {}).get("schema", {})
        found.append(
            Upstreamed(
                operation_id=operation["operationId"],
                method=method.upper(),
                path=path,
                status=str(status),
                schema=schema,
                response=mark["response"],
                page=mark.get("page"),
                array=bool(mark.get("array")),
                since=mark.get("since"),
            )
        )
    return found


def resolve_spec(spec: dict[str, Any], node: Any) -> Any:
    """``node`` of the spec with its local ``$ref``s followed."""
    while isinstance(node, dict) and "$ref" in node:
        target: Any = spec
        for part in node["$ref"][2:].split("/"):
            target = target[part]
        node = target
    return node


def may_be_absent(node: Node) -> bool:
    """zod lets the key be missing: optional, nullish, a default, or an any/unknown value."""
    return bool(node.get("optional")) or "default" in node or node.get("type") in ("any", "unknown")

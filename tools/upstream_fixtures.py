"""Response bodies built from the official SDK's response schemas (the evidence files), for
the tests to replay through the public API.

For every body the official client parses (``x-upstream`` on an operation) and every release
in the evidence, one file holds three bodies:

- ``minimal``: only what the schema requires (arrays hold one minimal item, so items are
  read too);
- ``nulls``: the minimal body with every field the schema lets be null set to null;
- ``full``: every field the schema knows, with a value.

Values come from the field's type and name only; nothing is copied from a server or a mock.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tools.upstream_model import (
    EVIDENCE_DIR,
    ITEM,
    PAGE_SCHEMAS,
    Evidence,
    Node,
    Upstreamed,
    may_be_absent,
)

DATE = "2025-03-04T05:06:07.089Z"
# Strings the official SDK checks beyond their type (a refinement) need a value of the right form.
EXAMPLES = {"window": "30m", "expression": "0 9 * * 1", "timezone": "Europe/Paris", "ttl": "10m"}
# Where a presigned URL in a fixture points; the tests swap in their local object store.
OBJECT_STORE = "https://object-store.invalid"


def root_name(operation: Upstreamed) -> str:
    if operation.page:
        return f"{PAGE_SCHEMAS[operation.page][0]}-{operation.response}"
    if operation.array:
        return f"Array-{operation.response}"
    return operation.response


class BodyBuilder:
    def __init__(self, evidence: Evidence, item: Node | None) -> None:
        self.evidence = evidence
        self.item = item

    def body(self, node: Node, mode: str, name: str = "value", depth: int = 0) -> Any:
        node = self._merged(node)
        kind = node.get("type")
        if kind == "object":
            result = {}
            for key, field in node.get("fields", {}).items():
                merged = self._merged(field)
                if mode == "full" or not may_be_absent(merged):
                    result[key] = self.body(field, mode, key, depth + 1)
                elif mode == "nulls" and merged.get("nullable"):
                    result[key] = None
            return result
        if kind == "array":
            if depth > 6:
                return []
            return [self.body(node["items"], mode, name, depth + 1)]
        if kind == "record":
            return {"key": self.body(node["values"], mode, name, depth + 1)} if mode == "full" else {}
        if kind == "union":
            return self.body(node["options"][0], mode, name, depth + 1)
        return self.scalar(node, name)

    def scalar(self, node: Node, name: str) -> Any:
        kind = node.get("type")
        if kind == "string":
            if name.endswith("PresignedUrl"):
                return f"{OBJECT_STORE}/packets/{name}.json"
            return EXAMPLES.get(name, f"{name}-1")
        if kind == "number":
            return 1
        if kind == "boolean":
            return True
        if kind == "date":
            return DATE
        if kind == "enum":
            return node["values"][0]
        if kind == "literal":
            return node["value"]
        if kind in ("any", "unknown"):
            return {"example": [1, "two", None]}
        if kind == "null":
            return None
        raise ValueError(f"no value for a {kind} ({name})")

    def _merged(self, node: Node) -> Node:
        """The node with references followed; modifiers written at the reference win."""
        while "ref" in node:
            ref = node["ref"]
            target = self.item if ref == ITEM else self.evidence.schemas[ref]["schema"]
            assert target is not None
            extra = {k: v for k, v in node.items() if k not in ("ref", "item")}
            node = {**target, **extra}
        return node


def fixture(operation: Upstreamed, evidence: Evidence) -> dict[str, Any] | None:
    root = operation.zod_root(evidence)
    if root is None:
        return None
    item = root.get("item")
    builder = BodyBuilder(evidence, item)
    top = root.get("ref", operation.response)
    entry = evidence.schemas[top] if top in evidence.schemas else evidence.schemas[operation.response]
    return {
        "source": {
            "repository": "triggerdotdev/trigger.dev",
            "tag": evidence.tag,
            "version": evidence.version,
            "schema": operation.response,
            "file": evidence.schemas[operation.response]["file"],
            "line": evidence.schemas[operation.response]["line"],
            **({"page": f"{entry['file']}:{entry['line']}"} if operation.page else {}),
            **({"array": True} if operation.array else {}),
        },
        "generated_by": "python tools/upstream_evidence.py fixtures, from " + evidence.path.name,
        "minimal": builder.body(root, "minimal"),
        "nulls": builder.body(root, "nulls"),
        "full": builder.body(root, "full"),
    }


def write_fixtures(
    evidence: list[Evidence], operations: list[Upstreamed], *, dry_run: bool = False
) -> Iterator[Path]:
    """Write the fixture files that differ from what the evidence gives; yields each path
    written (or, with ``dry_run``, that would be)."""
    wanted: dict[Path, dict[str, Any]] = {}
    for found in evidence:
        for operation in operations:
            body = fixture(operation, found)
            if body is not None:
                wanted[EVIDENCE_DIR / found.version / f"{root_name(operation)}.json"] = body
    for stale in EVIDENCE_DIR.glob("*/*.json"):
        if stale not in wanted:
            if not dry_run:
                stale.unlink()
            yield stale
    for path, body in sorted(wanted.items()):
        text = json.dumps(body, indent=1) + "\n"
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            if not dry_run:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
            yield path

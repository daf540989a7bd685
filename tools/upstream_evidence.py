"""What the official SDK accepts from the server, and whether our spec is ever stricter.

The spec may mark a response field *required* only where the official TypeScript SDK's own
response schema (zod, `packages/core/src/v3/schemas/` upstream) requires it at the oldest
server we support and at the newest release (docs/spec-conventions.md, "Responses"). This
tool keeps the evidence for that rule in the repository and checks the rule:

    python tools/upstream_evidence.py extract --upstream PATH --tag TAG
        read the zod schemas the spec's operations name (``x-upstream``) from an upstream
        checkout or git repository at TAG, and write tests/fixtures/upstream/zod-<version>.json
    python tools/upstream_evidence.py check
        compare openapi/trigger.yaml with every evidence file; non-zero exit on a violation
    python tools/upstream_evidence.py fixtures
        write the response bodies the tests replay (tests/fixtures/upstream/<version>/)
    python tools/upstream_evidence.py routes --upstream PATH
        find the first release whose webapp serves each route of the spec, and write
        tests/fixtures/upstream/routes.json (``check`` compares ``x-upstream.since`` with it)

`extract` needs the upstream source (fetch it yourself; nothing from it is committed but
the facts in the evidence file). `check` and `fixtures` run on the committed evidence.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tools.upstream_fixtures import write_fixtures
from tools.upstream_model import (
    EVIDENCE_DIR,
    ITEM,
    PAGE_SCHEMAS,
    ROOT,
    Evidence,
    Node,
    Upstreamed,
    load_evidence,
    load_spec,
    may_be_absent,
    resolve_spec,
    spec_operations,
    upstreamed_operations,
)
from tools.upstream_routes import (
    check_since,
    check_trace_context,
    first_releases,
    release_tags,
    spec_routes,
    write_routes,
)
from tools.zod_reader import Declaration, ZodReader, declarations

UPSTREAM_REPOSITORY = "triggerdotdev/trigger.dev"
SCHEMA_DIR = "packages/core/src/v3/schemas"
CLIENT_CORE = "packages/core/src/v3/apiClient/core.ts"

# ---------------------------------------------------------------------------------------
# Reading upstream


class Upstream:
    """Files of the upstream repository at one tag: a git repository (bare or not) or a checkout."""

    def __init__(self, path: Path, tag: str | None) -> None:
        self.path = path
        self.tag = tag

    def _git(self, *args: str) -> str:
        result = subprocess.run(
            ["git", "--git-dir", str(self._git_dir()), *args], capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            raise SystemExit(f"git {' '.join(args)} failed: {result.stderr.strip()}")
        return result.stdout

    def _git_dir(self) -> Path:
        return self.path / ".git" if (self.path / ".git").exists() else self.path

    def read(self, relative: str) -> str:
        if self.tag is None:
            return (self.path / relative).read_text(encoding="utf-8")
        return self._git("show", f"{self.tag}:{relative}")

    def list_dir(self, relative: str) -> list[str]:
        if self.tag is None:
            return sorted(p.name for p in (self.path / relative).iterdir())
        return sorted(
            Path(p).name for p in self._git("ls-tree", "--name-only", f"{self.tag}:{relative}").split()
        )

    def tags(self) -> list[str]:
        return self._git("tag", "--list").split()

    def commit(self) -> str | None:
        return self._git("rev-list", "-1", self.tag).strip() if self.tag else None


def extract(upstream: Upstream, roots: set[str]) -> dict[str, Any]:
    files: dict[str, list[Declaration]] = {}
    for name in upstream.list_dir(SCHEMA_DIR):
        if name.endswith(".ts") and not name.endswith((".test.ts", ".d.ts")):
            relative = f"{SCHEMA_DIR}/{name}"
            files[relative] = list(declarations(relative, upstream.read(relative)))
    by_name: dict[str, Declaration] = {}
    for in_file in files.values():
        for declaration in in_file:
            by_name.setdefault(declaration.name, declaration)
    core = upstream.read(CLIENT_CORE)
    for kind, (name, variable) in PAGE_SCHEMAS.items():
        start = core.find(f"const {variable} ")
        if start < 0:
            raise SystemExit(f"{CLIENT_CORE} no longer declares {variable} ({kind} pages)")
        inner = next(declarations(CLIENT_CORE, core[start:]))
        by_name[name] = Declaration(name, CLIENT_CORE, core.count("\n", 0, start) + 1, inner.text)

    named = {n for n in by_name if not by_name[n].text.lstrip().startswith("{")} | {"schema"}
    reader = ZodReader(by_name.get, named)
    schemas: dict[str, Any] = {}
    missing: list[str] = []
    pending = sorted(roots | {name for name, _ in PAGE_SCHEMAS.values()})
    while pending:
        name = pending.pop()
        if name in schemas or name == "schema":
            continue
        found = by_name.get(name)
        if found is None:
            missing.append(name)
            continue
        node = _replace_item(reader.schema(name))
        schemas[name] = {"file": found.file, "line": found.line, "schema": node}
        pending.extend(sorted(_refs(node) - schemas.keys() - {ITEM}))
    return {
        "source": {
            "repository": UPSTREAM_REPOSITORY,
            "tag": upstream.tag,
            "commit": upstream.commit(),
            "version": json.loads(upstream.read("packages/core/package.json"))["version"],
        },
        "absent": sorted(missing),
        "notes": sorted(set(reader.notes)),
        "schemas": {name: schemas[name] for name in sorted(schemas)},
    }


def _replace_item(node: Any) -> Any:
    if isinstance(node, dict):
        if node.get("ref") == "schema":
            return {**node, "ref": ITEM}
        return {k: _replace_item(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_replace_item(v) for v in node]
    return node


def _refs(node: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        if "ref" in node:
            found.add(node["ref"])
        for value in node.values():
            found |= _refs(value)
    elif isinstance(node, list):
        for value in node:
            found |= _refs(value)
    return found


# ---------------------------------------------------------------------------------------
# The check


@dataclass
class Finding:
    where: str
    what: str


@dataclass
class Checker:
    spec: dict[str, Any]
    findings: list[Finding] = field(default_factory=list)
    # (spec schema name, evidence version) pairs already walked: shared schemas once each
    seen: set[tuple[str, str, str]] = field(default_factory=set)

    def check(self, operations: list[Upstreamed], evidence: list[Evidence]) -> list[Finding]:
        for operation in operations:
            present = [e for e in evidence if operation.zod_root(e) is not None]
            if not present:
                self.findings.append(Finding(operation.operation_id, f"no evidence has {operation.response}"))
                continue
            oldest = evidence[0]
            if oldest not in present and not operation.since:
                self.findings.append(
                    Finding(
                        operation.operation_id,
                        f"{operation.response} is not in the {oldest.version} evidence: "
                        "set x-upstream.since to the first release that serves the route",
                    )
                )
            for found in present:
                root = operation.zod_root(found)
                assert root is not None
                item = root.get("item")
                where = f"{operation.operation_id} ({found.version})"
                self.compare(operation.schema, root, where, found, item)
        return self.findings

    def without_null_option(self, schema: Node) -> Node:
        inner = _nullable_one_of(self.spec, schema)
        if inner is None:
            return schema
        return {**inner, "type": sorted(_types(inner) | {"null"})}

    def compare(
        self, spec_node: Node, zod_node: Node, where: str, evidence: Evidence, item: Node | None
    ) -> None:
        name = spec_node.get("$ref", "").rsplit("/", 1)[-1]
        zod_name = zod_node.get("ref", "")
        if name and zod_name:
            key = (name, zod_name if zod_name != ITEM else json.dumps(item), evidence.version)
            if key in self.seen:
                return
            self.seen.add(key)
        spec_schema = self.without_null_option(resolve_spec(self.spec, spec_node))
        zod = evidence.resolve(zod_node, item)
        zod_item = zod_node.get("item", item) if zod_node.get("ref") != ITEM else None
        label = f"{where}: {name or 'schema'}"
        kind = zod.get("type")
        if kind in ("any", "unknown", "union"):
            return
        spec_types = _types(spec_schema)
        if kind == "object":
            if "object" not in spec_types:
                self.findings.append(
                    Finding(label, f"the official SDK reads an object, the spec says {spec_types}")
                )
                return
            self.compare_fields(spec_schema, zod, label, evidence, zod_item)
        elif kind == "array":
            if "array" not in spec_types:
                self.findings.append(
                    Finding(label, f"the official SDK reads an array, the spec says {spec_types}")
                )
                return
            self.compare(spec_schema.get("items", {}), zod["items"], f"{label}[]", evidence, zod_item)
        elif kind == "record":
            if "object" not in spec_types:
                self.findings.append(
                    Finding(label, f"the official SDK reads a record, the spec says {spec_types}")
                )
        else:
            self.compare_scalar(spec_schema, zod, label)

    def compare_fields(
        self, spec_schema: Node, zod: Node, label: str, evidence: Evidence, item: Node | None
    ) -> None:
        properties = spec_schema.get("properties", {})
        required = set(spec_schema.get("required", []))
        fields: dict[str, Node] = zod.get("fields", {})
        for key in sorted(required - fields.keys()):
            self.findings.append(
                Finding(
                    f"{label}.{key}",
                    f"required in the spec, but the official SDK at {evidence.version} does not read it",
                )
            )
        for key, zod_field in fields.items():
            where = f"{label}.{key}"
            if key not in properties:
                self.findings.append(
                    Finding(
                        where, f"read by the official SDK at {evidence.version} but missing from the spec"
                    )
                )
                continue
            spec_field = self.without_null_option(resolve_spec(self.spec, properties[key]))
            merged = {**zod_field}
            while "ref" in merged and merged["ref"] != ITEM:
                target = evidence.schemas[merged["ref"]]["schema"]
                if not any(k in target for k in ("optional", "nullable", "default")):
                    break
                merged = {**target, **{k: v for k, v in merged.items() if k != "ref"}}
            if key in required and may_be_absent(merged):
                how = f"a default of {json.dumps(merged['default'])}" if "default" in merged else "optional"
                self.findings.append(
                    Finding(
                        where, f"required in the spec, but {how} in the official SDK at {evidence.version}"
                    )
                )
            if merged.get("nullable") and not _any_value(spec_field) and "null" not in _types(spec_field):
                self.findings.append(
                    Finding(
                        where, f"the official SDK at {evidence.version} accepts null; the spec must allow it"
                    )
                )
            if "default" in merged and spec_field.get("default") != merged["default"]:
                self.findings.append(
                    Finding(
                        where,
                        f"absent reads as {json.dumps(merged['default'])} in the official SDK at {evidence.version}; "
                        "give the spec property that default",
                    )
                )
            self.compare(properties[key], zod_field, where, evidence, item)

    def compare_scalar(self, spec_schema: Node, zod: Node, label: str) -> None:
        kind = zod["type"]
        types = _types(spec_schema) - {"null"}
        if not types:  # {}: any JSON value
            return
        accepted = {
            "string": {"string"},
            "number": {"number", "integer"},
            "boolean": {"boolean"},
            "date": {"string"},
            "enum": {"string"},
            "literal": {"string", "number", "integer", "boolean"},
            "null": set(),
        }.get(kind)
        if accepted is None:
            return
        if not types & accepted:
            self.findings.append(
                Finding(label, f"the official SDK reads a {kind}, the spec says {sorted(types)}")
            )
            return
        if kind == "number" and zod.get("coerce") and not spec_schema.get("x-coerce"):
            self.findings.append(
                Finding(label, "the official SDK coerces this number (numeric strings too): set x-coerce")
            )
        if kind == "date" and spec_schema.get("format") != "date-time":
            self.findings.append(
                Finding(label, "the official SDK reads a date: give the spec format: date-time")
            )
        values = zod.get("values") if kind == "enum" else [zod["value"]] if kind == "literal" else None
        if values is not None and "enum" in spec_schema:
            missing = [v for v in values if v not in spec_schema["enum"]]
            if missing:
                self.findings.append(
                    Finding(label, f"enum values the official SDK knows are missing: {missing}")
                )


def _nullable_one_of(spec: dict[str, Any], schema: Node) -> Node | None:
    """The schema of ``oneOf: [<schema>, {type: "null"}]`` (a nullable reference), else None."""
    options = [resolve_spec(spec, option) for option in schema.get("oneOf", [])]
    kept = [option for option in options if option.get("type") != "null"]
    return kept[0] if len(options) == 2 and len(kept) == 1 else None


def _any_value(schema: Node) -> bool:
    """Whether a spec schema is free-form JSON (``{}``), which null already satisfies."""
    shaping = ("type", "properties", "additionalProperties", "enum", "$ref", "oneOf", "anyOf", "allOf")
    return not any(key in schema for key in shaping)


def _types(schema: Node) -> set[str]:
    declared = schema.get("type")
    if declared is None:
        if "properties" in schema or "additionalProperties" in schema:
            return {"object"}
        if "enum" in schema:
            return {"string"}
        return set()
    return set(declared) if isinstance(declared, list) else {declared}


# ---------------------------------------------------------------------------------------
# Commands


def command_extract(args: argparse.Namespace) -> int:
    spec = load_spec()
    roots = {op.response for op in upstreamed_operations(spec)}
    evidence = extract(Upstream(Path(args.upstream), args.tag), roots)
    target = EVIDENCE_DIR / f"zod-{evidence['source']['version']}.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(evidence, indent=1, sort_keys=False) + "\n", encoding="utf-8")
    print(
        f"wrote {target.relative_to(ROOT)}: {len(evidence['schemas'])} schemas, absent: {evidence['absent']}"
    )
    for note in evidence["notes"]:
        print(f"note: {note}")
    return 0


def command_check(_: argparse.Namespace) -> int:
    spec = load_spec()
    evidence = load_evidence()
    if len(evidence) < 2:
        print("upstream evidence: need the oldest supported and the newest release", file=sys.stderr)
        return 1
    operations = upstreamed_operations(spec)
    unmarked = [op["operationId"] for _, _, op in spec_operations(spec) if "x-upstream" not in op]
    findings = Checker(spec).check(operations, evidence)
    findings.extend(
        Finding(o, "has no x-upstream naming the official SDK's response schema") for o in unmarked
    )
    findings.extend(Finding(where, what) for where, what in check_since(spec))
    findings.extend(Finding(where, what) for where, what in check_trace_context(spec))
    stale = [str(p.relative_to(ROOT)) for p in write_fixtures(evidence, operations, dry_run=True)]
    findings.extend(
        Finding(p, "out of date: run `python tools/upstream_evidence.py fixtures`") for p in stale
    )
    if findings:
        print("openapi/trigger.yaml is stricter than (or does not match) the official SDK:", file=sys.stderr)
        for finding in findings:
            print(f"- {finding.where}: {finding.what}", file=sys.stderr)
        return 1
    versions = ", ".join(e.version for e in evidence)
    print(f"responses match the official SDK's schemas at {versions} ({len(operations)} operations)")
    return 0


def command_fixtures(_: argparse.Namespace) -> int:
    for written in write_fixtures(load_evidence(), upstreamed_operations(load_spec())):
        print(f"wrote {written.relative_to(ROOT)}")
    return 0


def command_routes(args: argparse.Namespace) -> int:
    upstream = Upstream(Path(args.upstream), None)
    releases = release_tags(upstream.tags())
    listings = {tag: Upstream(Path(args.upstream), tag) for _, tag in releases}
    wanted = spec_routes(load_spec())
    routes = first_releases(wanted, releases, listings)
    written = write_routes(routes, releases)
    missing = sorted(set(wanted) - set(routes))
    print(f"wrote {written.relative_to(ROOT)}: {len(routes)} routes over {len(releases)} releases")
    for route in missing:
        print(f"note: no route file serves {route} in any release", file=sys.stderr)
    return 1 if missing else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    extract_parser = commands.add_parser("extract", help="read the evidence from an upstream checkout")
    extract_parser.add_argument("--upstream", required=True, help="a trigger.dev git repository or checkout")
    extract_parser.add_argument("--tag", help="a release tag (needs a git repository)")
    extract_parser.set_defaults(run=command_extract)
    commands.add_parser("check", help="the spec is never stricter than the evidence").set_defaults(
        run=command_check
    )
    commands.add_parser("fixtures", help="write the replayed bodies").set_defaults(run=command_fixtures)
    routes_parser = commands.add_parser("routes", help="record the first release that serves each route")
    routes_parser.add_argument("--upstream", required=True, help="a trigger.dev git repository")
    routes_parser.set_defaults(run=command_routes)
    args = parser.parse_args(argv)
    return int(args.run(args))


if __name__ == "__main__":
    sys.exit(main())

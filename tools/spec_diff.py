"""What a change to openapi/ means for people calling the API and for people importing the
package: every change classified as breaking, possibly breaking or additive, with docs-only
edits listed apart.

Two layers are compared. The wire: operations matched by method and path, their parameters,
bodies, responses, enums, credentials and pagination, with this SDK's open-enum policy
applied. The Python surface: the generated package at both sides, compared with griffe,
which catches renames the wire does not show (an operationId or schema name change).

    python tools/spec_diff.py --base main [--head REV] [--format text|markdown|json] [--fail-on breaking]

A side is a git revision, or a path to a spec file (then its package is generated with the
current templates).
"""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

import griffe
from ruamel.yaml import YAML

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

ROOT = Path(__file__).resolve().parent.parent
SPEC_PATH = "openapi/trigger.yaml"
PACKAGE_PATH = "generated/trigger_dev"

Level = Literal["breaking", "possibly breaking", "additive", "docs"]
LEVELS: tuple[Level, ...] = ("breaking", "possibly breaking", "additive", "docs")
Side = Literal["request", "response"]
HTTP_METHODS = ("get", "put", "post", "delete", "patch")
DOC_KEYS = ("description", "summary", "example", "examples", "x-hint", "title")
CHECKED_CONSTRAINTS = ("minimum", "maximum", "minLength", "maxLength", "minItems", "maxItems", "pattern")


@dataclass(frozen=True)
class Change:
    level: Level
    layer: Literal["wire", "sdk"]
    where: str
    what: str


# ---------------------------------------------------------------------------------------
# The wire


class WireDiff:
    """Compares two OpenAPI documents operation by operation."""

    def __init__(self, base: dict[str, Any], head: dict[str, Any]) -> None:
        self.base, self.head = base, head
        self.changes: list[Change] = []

    def add(self, level: Level, where: str, what: str) -> None:
        change = Change(level, "wire", where, what)
        if change not in self.changes:
            self.changes.append(change)

    def run(self) -> list[Change]:
        old_ops, new_ops = operations(self.base), operations(self.head)
        for key in sorted(old_ops.keys() - new_ops.keys()):
            self.add("breaking", label(key, old_ops[key]), "operation removed")
        for key in sorted(new_ops.keys() - old_ops.keys()):
            self.add("additive", label(key, new_ops[key]), "operation added")
        for key in sorted(old_ops.keys() & new_ops.keys()):
            self.operation(label(key, new_ops[key]), old_ops[key], new_ops[key])
        return self.changes

    def operation(self, where: str, old: dict[str, Any], new: dict[str, Any]) -> None:
        old_entries, new_entries = sdk_entries(old), sdk_entries(new)
        for old_sdk, new_sdk in zip(old_entries, new_entries, strict=False):
            self.sdk_method(where, old_sdk, new_sdk)
        for added in new_entries[len(old_entries) :]:
            self.add("additive", where, f"SDK method {sdk_name(added)} added on this route")
        for removed in old_entries[len(new_entries) :]:
            self.add("breaking", where, f"SDK method {sdk_name(removed)} removed")
        self.wire(where, old, new)

    def sdk_method(self, where: str, old_sdk: dict[str, Any], new_sdk: dict[str, Any]) -> None:
        old_name, new_name = sdk_name(old_sdk), sdk_name(new_sdk)
        if old_name != new_name:
            self.add("breaking", where, f"SDK method {old_name} renamed to {new_name}")
        if old_sdk.get("positional") != new_sdk.get("positional"):
            self.add(
                "breaking",
                where,
                f"positional arguments changed from {old_sdk.get('positional')} to {new_sdk.get('positional')}",
            )
        if old_sdk.get("fixed") != new_sdk.get("fixed"):
            self.add(
                "breaking",
                where,
                f"{sdk_name(new_sdk)} fixed arguments changed from {old_sdk.get('fixed')} to {new_sdk.get('fixed')}",
            )
        if old_sdk.get("pagination") != new_sdk.get("pagination"):
            self.add(
                "breaking",
                where,
                f"pagination changed from {old_sdk.get('pagination')} to {new_sdk.get('pagination')}",
            )

    def wire(self, where: str, old: dict[str, Any], new: dict[str, Any]) -> None:
        if old.get("operationId") != new.get("operationId"):
            self.add(
                "docs",
                where,
                f"operationId {old.get('operationId')} renamed to {new.get('operationId')} (no effect on callers)",
            )
        self.credentials(where, old, new)
        for key in DOC_KEYS:
            if old.get(key) != new.get(key):
                self.add("docs", where, f"{key} edited")
        self.parameters(where, old, new)
        self.schemas(
            where, "request body", request_schema(self.base, old), request_schema(self.head, new), "request"
        )
        self.schemas(
            where, "response", success_schema(self.base, old), success_schema(self.head, new), "response"
        )

    def credentials(self, where: str, old: dict[str, Any], new: dict[str, Any]) -> None:
        old_kinds, new_kinds = credential_kinds(self.base, old), credential_kinds(self.head, new)
        for kind in sorted(old_kinds - new_kinds):
            self.add("breaking", where, f"no longer accepts a {kind}")
        for kind in sorted(new_kinds - old_kinds):
            self.add("additive", where, f"now accepts a {kind}")

    def parameters(self, where: str, old: dict[str, Any], new: dict[str, Any]) -> None:
        old_params, new_params = parameters(self.base, old), parameters(self.head, new)
        removed = {k: old_params[k] for k in old_params.keys() - new_params.keys()}
        added = {k: new_params[k] for k in new_params.keys() - old_params.keys()}
        for old_key, old_param in sorted(removed.items()):
            twin = next((k for k, p in added.items() if python_of(p) == python_of(old_param)), None)
            if twin is not None:
                added.pop(twin)
                self.add(
                    "possibly breaking",
                    where,
                    f"parameter {old_key[1]} renamed on the wire to {twin[1]} (Python name {python_of(old_param)} unchanged)",
                )
            else:
                self.add("breaking", where, f"parameter {old_key[1]} ({python_of(old_param)}) removed")
        for key, param in sorted(added.items()):
            required = param.get("required", False)
            self.add(
                "breaking" if required else "additive",
                where,
                f"{'required' if required else 'optional'} parameter {key[1]} ({python_of(param)}) added",
            )
        for key in sorted(old_params.keys() & new_params.keys()):
            was, now = old_params[key], new_params[key]
            name = f"parameter {key[1]}"
            if python_of(was) != python_of(now):
                self.add(
                    "breaking", where, f"{name}: Python name {python_of(was)} renamed to {python_of(now)}"
                )
            if was.get("required", False) != now.get("required", False):
                level: Level = "breaking" if now.get("required") else "additive"
                self.add(level, where, f"{name} is now {'required' if now.get('required') else 'optional'}")
            for key_name in DOC_KEYS:
                if was.get(key_name) != now.get(key_name):
                    self.add("docs", where, f"{name}: {key_name} edited")
            self.schemas(where, name, was.get("schema"), now.get("schema"), "request")

    def schemas(self, where: str, path: str, old: Any, new: Any, side: Side) -> None:
        SchemaDiff(self, where, side).compare(path, old, new, set())


class SchemaDiff:
    """Compares two schemas of one side of an operation, recursively."""

    def __init__(self, wire: WireDiff, where: str, side: Side) -> None:
        self.wire, self.where, self.side = wire, where, side

    def add(self, level: Level, what: str) -> None:
        self.wire.add(level, self.where, what)

    def compare(self, path: str, old: Any, new: Any, seen: set[tuple[int, int]]) -> None:
        if old is None and new is None:
            return
        if old is None or new is None:
            if self.side == "request":
                self.add(
                    "additive" if old is None else "breaking",
                    f"{path} {'added' if old is None else 'removed'}",
                )
            else:
                self.add(
                    "additive" if old is None else "breaking",
                    f"{path} {'now returned' if old is None else 'no longer returned'}",
                )
            return
        old, new = resolve(self.wire.base, old), resolve(self.wire.head, new)
        if (id(old), id(new)) in seen:
            return
        seen = seen | {(id(old), id(new))}
        self.types(path, old, new)
        self.enums(path, old, new)
        if old.get("format") != new.get("format"):
            self.add("breaking", f"{path}: format changed from {old.get('format')} to {new.get('format')}")
        for key in CHECKED_CONSTRAINTS:
            if old.get(key) != new.get(key):
                level: Level = "possibly breaking" if self.side == "request" else "docs"
                self.add(level, f"{path}: {key} changed from {old.get(key)} to {new.get(key)}")
        for key in DOC_KEYS:
            if old.get(key) != new.get(key):
                self.add("docs", f"{path}: {key} edited")
        self.properties(path, old, new, seen)
        if "items" in old or "items" in new:
            self.compare(f"{path}[]", old.get("items", {}), new.get("items", {}), seen)

    def types(self, path: str, old: dict[str, Any], new: dict[str, Any]) -> None:
        was, now = type_set(old), type_set(new)
        if was == now or not was or not now:
            return
        widened = now > was
        nullable = (now ^ was) == {"null"}
        change = (
            ("is now nullable" if widened else "is no longer nullable")
            if nullable
            else f"type changed from {sorted(was)} to {sorted(now)}"
        )
        if self.side == "request":
            level: Level = "additive" if widened else "breaking"
        else:  # a response that may now be None or another type breaks code that relied on it
            level = "additive" if now < was else ("possibly breaking" if widened else "breaking")
        self.add(level, f"{path} {change}")

    def enums(self, path: str, old: dict[str, Any], new: dict[str, Any]) -> None:
        if "enum" not in old and "enum" not in new:
            return
        was, now = set(old.get("enum", [])), set(new.get("enum", []))
        for value in sorted(now - was, key=str):
            # Response enums are open in this SDK: a new value arrives as a plain string.
            self.add("additive", f"{path}: enum value {value!r} added ({self.side})")
        for value in sorted(was - now, key=str):
            level: Level = "breaking" if self.side == "request" else "possibly breaking"
            self.add(level, f"{path}: enum value {value!r} removed ({self.side})")

    def properties(
        self, path: str, old: dict[str, Any], new: dict[str, Any], seen: set[tuple[int, int]]
    ) -> None:
        old_props, new_props = old.get("properties", {}), new.get("properties", {})
        old_required, new_required = set(old.get("required", [])), set(new.get("required", []))
        for name in sorted(old_props.keys() - new_props.keys()):
            self.add("breaking", f"{path} field {name} removed ({self.side})")
        for name in sorted(new_props.keys() - old_props.keys()):
            required = name in new_required
            level: Level = "breaking" if self.side == "request" and required else "additive"
            self.add(
                level, f"{path} field {name} added ({'required' if required else 'optional'}, {self.side})"
            )
        for name in sorted(old_props.keys() & new_props.keys()):
            if (name in old_required) != (name in new_required):
                now_required = name in new_required
                if self.side == "request":
                    level = "breaking" if now_required else "additive"
                else:
                    level = "additive" if now_required else "possibly breaking"
                self.add(
                    level,
                    f"{path} field {name} is now {'required' if now_required else 'optional'} ({self.side})",
                )
            self.compare(f"{path}.{name}", old_props[name], new_props[name], seen)


def operations(spec: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    found = {}
    for path, item in spec.get("paths", {}).items():
        for method in HTTP_METHODS:
            if method in item:
                operation = dict(item[method])
                operation["parameters"] = [*item.get("parameters", []), *operation.get("parameters", [])]
                found[(method.upper(), path)] = operation
    return found


def label(key: tuple[str, str], operation: dict[str, Any]) -> str:
    names = " / ".join(sdk_name(entry) for entry in sdk_entries(operation))
    return f"{names} ({key[0]} {key[1]})"


def sdk_entries(operation: dict[str, Any]) -> list[dict[str, Any]]:
    """An operation's SDK methods: ``x-sdk`` is one mapping or a list of them."""
    sdk = operation.get("x-sdk") or {}
    return list(sdk) if isinstance(sdk, list) else [sdk]


def sdk_name(sdk: dict[str, Any]) -> str:
    return f"{sdk.get('resource', '?')}.{sdk.get('method', '?')}"


def resolve(spec: dict[str, Any], node: Any) -> Any:
    for _ in range(32):
        if not (isinstance(node, dict) and "$ref" in node):
            return node
        target: Any = spec
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    raise ValueError("reference loop")


def parameters(spec: dict[str, Any], operation: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    params = (resolve(spec, p) for p in operation.get("parameters", []))
    return {(p["in"], p["name"]): p for p in params}


def python_of(param: dict[str, Any]) -> str:
    return str(param.get("x-python-name") or param["name"])


def request_schema(spec: dict[str, Any], operation: dict[str, Any]) -> Any:
    return first_schema(resolve(spec, operation.get("requestBody")))


def success_schema(spec: dict[str, Any], operation: dict[str, Any]) -> Any:
    for code, response in sorted(operation.get("responses", {}).items()):
        if str(code).startswith("2"):
            return first_schema(resolve(spec, response))
    return None


def first_schema(holder: Any) -> Any:
    """The schema of the first media type of a request body or response, if any."""
    content: dict[str, Any] = (holder or {}).get("content") or {}
    media: dict[str, Any] = next(iter(content.values()), {})
    return media.get("schema")


def credential_kinds(spec: dict[str, Any], operation: dict[str, Any]) -> set[str]:
    schemes = spec.get("components", {}).get("securitySchemes", {})
    security = operation.get("security", spec.get("security", []))
    return {
        schemes.get(name, {}).get("x-credential", {}).get("label", name)
        for requirement in security
        for name in requirement
    }


def type_set(schema: dict[str, Any]) -> set[str]:
    types = schema.get("type")
    if types is None:
        return set()
    return {types} if isinstance(types, str) else set(types)


# ---------------------------------------------------------------------------------------
# The Python surface


def sdk_changes(base_package: Path, head_package: Path) -> list[Change]:
    """Public symbols of the generated package removed, renamed, changed or added."""
    old = griffe.load("trigger_dev", search_paths=[str(base_package.parent)], allow_inspection=False)
    new = griffe.load("trigger_dev", search_paths=[str(head_package.parent)], allow_inspection=False)
    changes: list[Change] = []
    removed = set()
    for breakage in griffe.find_breaking_changes(old, new):
        path = breakage.obj.path.removeprefix("trigger_dev.")
        if breakage.kind is griffe.BreakageKind.OBJECT_REMOVED:
            removed.add(breakage.obj.path)
            continue
        detail = getattr(breakage.old_value, "name", None) or getattr(breakage.new_value, "name", None)
        what = breakage.kind.value + (f": {detail}" if isinstance(detail, str) else "")
        changes.append(Change("breaking", "sdk", path, what))
    old_symbols, new_symbols = public_symbols(old), public_symbols(new)
    added = set(new_symbols) - set(old_symbols)
    for path in sorted(removed):
        parent, _, name = path.rpartition(".")
        twins = [
            a for a in added if a.rpartition(".")[0] == parent and new_symbols[a] == old_symbols.get(path)
        ]
        if len(twins) == 1:
            added.discard(twins[0])
            changes.append(
                Change(
                    "breaking",
                    "sdk",
                    parent.removeprefix("trigger_dev."),
                    f"{name} renamed to {twins[0].rpartition('.')[2]}",
                )
            )
        else:
            changes.append(Change("breaking", "sdk", path.removeprefix("trigger_dev."), "removed"))
    for path in sorted(added):
        if path.rpartition(".")[0] in added:
            continue  # a member of a class or module that is new as a whole
        changes.append(
            Change("additive", "sdk", path.removeprefix("trigger_dev."), f"{new_symbols[path]} added")
        )
    return changes


def public_symbols(module: Any) -> dict[str, str]:
    """Public classes, functions and attributes by path, with their kind."""
    symbols: dict[str, str] = {}

    def walk(obj: Any) -> None:
        for name, member in obj.members.items():
            if name.startswith("_") or member.is_alias:
                continue
            symbols[member.path] = member.kind.value
            if member.is_module or member.is_class:
                walk(member)

    walk(module)
    return symbols


# ---------------------------------------------------------------------------------------
# Reading the two sides


@dataclass
class Revision:
    label: str
    spec: dict[str, Any]
    package: Path


def load_side(value: str | None, workdir: Path) -> Revision:
    """A git revision, a spec file, or (None) the working tree."""
    yaml = YAML(typ="safe")
    if value is None:
        return Revision("working tree", yaml.load((ROOT / SPEC_PATH).read_text()), ROOT / PACKAGE_PATH)
    path = Path(value)
    if path.is_file():
        package = workdir / "package" / "trigger_dev"
        # Imported here: the generator needs Python 3.11, the wire comparison does not.
        from generator.write import generate_into

        generate_into(package.parent, path)
        return Revision(str(path), yaml.load(path.read_text()), package)
    spec_text = git("show", f"{value}:{SPEC_PATH}").decode()
    archive = git("archive", "--format=tar", value, PACKAGE_PATH)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(workdir, filter="data")
    return Revision(value, yaml.load(spec_text), workdir / PACKAGE_PATH)


def git(*args: str) -> bytes:
    result = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"git {' '.join(args)} failed: {result.stderr.decode().strip()}")
    return result.stdout


def default_base() -> str:
    return git("merge-base", "HEAD", "main").decode().strip()


def diff(base: Revision, head: Revision) -> list[Change]:
    return WireDiff(base.spec, head.spec).run() + sdk_changes(base.package, head.package)


# ---------------------------------------------------------------------------------------
# Output


def counts(changes: list[Change]) -> dict[str, int]:
    return {level: sum(1 for c in changes if c.level == level) for level in LEVELS}


def summary(changes: list[Change]) -> str:
    c = counts(changes)
    return f"{c['breaking']} breaking, {c['possibly breaking']} possibly breaking, {c['additive']} additive, {c['docs']} docs-only"


def by_level(changes: list[Change]) -> Iterator[tuple[Level, list[Change]]]:
    for level in LEVELS:
        selected = [c for c in changes if c.level == level]
        if selected:
            yield level, selected


def as_text(changes: list[Change], base: str, head: str) -> str:
    lines = [f"API changes from {base} to {head}: {summary(changes)}"]
    for level, selected in by_level(changes):
        lines.append(f"\n{level.upper()} ({len(selected)})")
        lines.extend(f"  [{c.layer}] {c.where}: {c.what}" for c in selected)
    return "\n".join(lines) + "\n"


def as_markdown(changes: list[Change], base: str, head: str) -> str:
    titles = {
        "breaking": "Breaking",
        "possibly breaking": "Possibly breaking",
        "additive": "Added",
        "docs": "Documentation only",
    }
    lines = [f"## API changes: `{base}` → `{head}`", "", f"**{summary(changes)}**"]
    if not changes:
        lines += ["", "No change to the wire or to the Python API."]
    for level, selected in by_level(changes):
        lines += ["", f"### {titles[level]}", ""]
        lines += [f"- {'Wire' if c.layer == 'wire' else 'Python'}: `{c.where}`: {c.what}" for c in selected]
    return "\n".join(lines) + "\n"


def as_json(changes: list[Change], base: str, head: str) -> str:
    return (
        json.dumps(
            {"base": base, "head": head, "summary": counts(changes), "changes": [asdict(c) for c in changes]},
            indent=2,
        )
        + "\n"
    )


FORMATS = {"text": as_text, "markdown": as_markdown, "json": as_json}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="tools/spec_diff.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", help="git revision or spec file (default: the merge base with main)")
    parser.add_argument("--head", help="git revision or spec file (default: the working tree)")
    parser.add_argument("--format", choices=sorted(FORMATS), default="text")
    parser.add_argument(
        "--fail-on", choices=["breaking", "possibly-breaking"], help="exit 1 when such a change is found"
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as temporary:
        base = load_side(args.base or default_base(), Path(temporary) / "base")
        head = load_side(args.head, Path(temporary) / "head")
        changes = diff(base, head)
    sys.stdout.write(FORMATS[args.format](changes, base.label, head.label))
    failing = {"breaking": {"breaking"}, "possibly-breaking": {"breaking", "possibly breaking"}}.get(
        args.fail_on or "", set()
    )
    return 1 if any(c.level in failing for c in changes) else 0


if __name__ == "__main__":
    sys.exit(main())

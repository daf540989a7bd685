"""The first server release that serves each route of the spec, read from the webapp's route
files, and the check that ``x-upstream.since`` says the same.

A route newer than the oldest supported server must carry ``x-upstream.since``: the client
names that release when an older server answers 404 for the route itself, and the README's
server-version table is built from it. Written by hand it drifts (``since: 4.1.0`` on a route
first served in 4.4.4 passed every check), so ``make evidence`` records where each route
first appears (tests/fixtures/upstream/routes.json) and ``make check`` compares.

The same record says which routes keep a request's W3C ``traceparent``/``tracestate`` as the
external trace context of the runs they start, and from which release: those, and only
those, carry ``x-trace-context: external`` in the spec, where the client sends the caller's
OpenTelemetry context.

The webapp's routes are Remix flat-route files under ``apps/webapp/app/routes/``: the URL's
segments joined by dots, a parameter written ``$name``, a rest-of-path parameter ``$``, a
literal dot escaped as ``[.]``, and a folder holding ``route.ts`` for a route of several files.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Protocol

from tools.upstream_model import EVIDENCE_DIR, spec_operations

ROUTES_DIR = "apps/webapp/app/routes"
ROUTES_FILE = EVIDENCE_DIR / "routes.json"
OLDEST_SUPPORTED = "4.0.0"
# Release tags of the webapp: ``trigger.dev@4.1.0`` until 4.4.1, ``v4.4.2`` since.
_RELEASE_TAG = re.compile(r"^(?:trigger\.dev@|v)(\d+)\.(\d+)\.(\d+)$")
_EXTENSION = re.compile(r"\.(?:tsx?|jsx?)$")


class Listing(Protocol):
    def list_dir(self, relative: str) -> list[str]: ...

    def read(self, relative: str) -> str: ...


# A GET is served by the file's ``loader``, any other method by its ``action``: a file may
# export one before the other (the runs metadata route had only its action until 4.5.0).
def _exports(handler: str) -> re.Pattern[str]:
    return re.compile(
        rf"export\s+(?:async\s+)?function\s+{handler}\b"
        rf"|export\s+const\s+{handler}\b"
        rf"|export\s+(?:const\s+)?\{{[^}}]*\b{handler}\b[^}}]*\}}"
    )


_HANDLERS = {"loader": _exports("loader"), "action": _exports("action")}
# A route that keeps the request's trace context for a caller outside a task: it reads the
# ``traceparent`` header and passes it on as ``{ external: { traceparent, tracestate } }``
# (a request from a task's worker passes it as the run's parent instead).
_EXTERNAL_TRACE_CONTEXT = re.compile(r"external:\s*\{\s*traceparent\b")


def release_tags(tags: Iterable[str], oldest: str = OLDEST_SUPPORTED) -> list[tuple[str, str]]:
    """``(version, tag)`` of every release from ``oldest`` on, oldest first; pre-releases left out."""
    floor = _version_key(oldest)
    releases: dict[str, str] = {}
    for tag in tags:
        match = _RELEASE_TAG.match(tag.strip())
        if match and tuple(map(int, match.groups())) >= floor:
            releases.setdefault(".".join(match.groups()), tag.strip())
    return sorted(releases.items(), key=lambda item: _version_key(item[0]))


def route_segments(file_name: str) -> list[str] | None:
    """The URL segments a route file serves (``$x`` for a parameter, ``$`` for the rest of the
    path), or None for a file that is not a route of its own (``_app.`` layouts, helpers)."""
    name = _EXTENSION.sub("", file_name)
    if name.startswith("_") or not name:
        return None
    name = name.replace("[.]", "\0")
    segments = [part.replace("\0", ".") for part in name.split(".")]
    if segments and segments[-1] == "_index":
        segments.pop()
    return [s for s in segments if not (s.startswith("_") and s != "_")]


def serves(segments: list[str], path: str) -> bool:
    """Whether a route file with these segments serves the spec's ``path``. A literal segment
    of the path matches only the same literal (Remix prefers a literal to a parameter), a
    ``{parameter}`` any ``$name``, and ``$`` the rest of the path."""
    wanted = [part for part in path.strip("/").split("/") if part]
    for index, segment in enumerate(segments):
        if segment == "$":
            return index < len(wanted)
        if index >= len(wanted):
            return False
        part = wanted[index]
        if part.startswith("{") and part.endswith("}"):
            if not segment.startswith("$"):
                return False
        elif segment != part:
            return False
    return len(segments) == len(wanted)


def route_file(files: Iterable[str], path: str) -> str | None:
    for name in sorted(files):
        segments = route_segments(name)
        if segments is not None and serves(segments, path):
            return name
    return None


def first_releases(
    routes: Iterable[str], releases: list[tuple[str, str]], listing_at: Mapping[str, Listing]
) -> dict[str, dict[str, str]]:
    """For each route (``"GET /api/v1/runs"``), the first release whose route files serve it
    (a file for its path exporting the handler of its method), and that file."""
    found: dict[str, dict[str, str]] = {}
    remaining = sorted(set(routes))
    for version, tag in releases:
        listing = listing_at[tag]
        files = listing.list_dir(ROUTES_DIR)
        for route in list(remaining):
            method, path = route.split(" ", 1)
            name = route_file(files, path)
            if name is None:
                continue
            source = _source(listing, name)
            handler = "loader" if method == "GET" else "action"
            if _HANDLERS[handler].search(source):
                found[route] = {"first_release": version, "file": f"{ROUTES_DIR}/{name}"}
                remaining.remove(route)
        if not remaining:
            break
    _add_trace_context(found, releases, listing_at)
    return found


def _add_trace_context(
    found: dict[str, dict[str, str]], releases: list[tuple[str, str]], listing_at: Mapping[str, Listing]
) -> None:
    """Mark each route whose file, at the newest release, keeps the request's trace context as
    the external one, with the first release whose file does (``external_trace_context``)."""
    if not releases:
        return
    newest = listing_at[releases[-1][1]]
    for route, entry in found.items():
        name = entry["file"].removeprefix(f"{ROUTES_DIR}/")
        if route.startswith("GET ") or not _keeps_trace_context(_source(newest, name)):
            continue
        first = _version_key(entry["first_release"])
        for version, tag in releases:
            if _version_key(version) >= first and _keeps_trace_context(_source(listing_at[tag], name)):
                entry["external_trace_context"] = version
                break


def _keeps_trace_context(source: str) -> bool:
    return "traceparent" in source and _EXTERNAL_TRACE_CONTEXT.search(source) is not None


def _source(listing: Listing, name: str) -> str:
    if _EXTENSION.search(name):
        return listing.read(f"{ROUTES_DIR}/{name}")
    for inner in ("route.ts", "route.tsx"):  # a folder route
        try:
            return listing.read(f"{ROUTES_DIR}/{name}/{inner}")
        except SystemExit:
            continue
    return ""


def write_routes(routes: Mapping[str, Mapping[str, str]], releases: list[tuple[str, str]]) -> Path:
    document = {
        "source": {
            "repository": "triggerdotdev/trigger.dev",
            "releases": [version for version, _ in releases],
        },
        "routes": {route: dict(routes[route]) for route in sorted(routes)},
    }
    ROUTES_FILE.parent.mkdir(parents=True, exist_ok=True)
    ROUTES_FILE.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
    return ROUTES_FILE


def check_since(spec: dict[str, Any], routes_file: Path = ROUTES_FILE) -> list[tuple[str, str]]:
    """``(operation, problem)`` for every operation whose ``x-upstream.since`` disagrees with the
    release that first serves its route."""
    if not routes_file.exists():
        return [(str(routes_file.name), "missing: run `make evidence UPSTREAM=...`")]
    document = json.loads(routes_file.read_text(encoding="utf-8"))
    routes: dict[str, dict[str, str]] = document["routes"]
    problems = []
    for path, method, operation in spec_operations(spec):
        name = operation.get("operationId", f"{method.upper()} {path}")
        since = (operation.get("x-upstream") or {}).get("since")
        route = f"{method.upper()} {path}"
        known = routes.get(route)
        if known is None:
            problems.append(
                (name, f"no route file serves {route} in the recorded releases: run `make evidence`")
            )
            continue
        first = known["first_release"]
        if first == OLDEST_SUPPORTED:
            if since is not None:
                problems.append(
                    (
                        name,
                        f"x-upstream.since is {since}, but {known['file']} is served from {first}, the oldest supported release: remove since",
                    )
                )
        elif since != first:
            problems.append(
                (
                    name,
                    f"x-upstream.since is {since}, but {known['file']} first appears in {first}: set since: {first}",
                )
            )
    return problems


def check_trace_context(spec: dict[str, Any], routes_file: Path = ROUTES_FILE) -> list[tuple[str, str]]:
    """``(operation, problem)`` for every operation whose ``x-trace-context`` mark disagrees
    with whether its route keeps the request's trace context upstream."""
    if not routes_file.exists():
        return []  # check_since reports the missing file
    routes: dict[str, dict[str, str]] = json.loads(routes_file.read_text(encoding="utf-8"))["routes"]
    problems = []
    for path, method, operation in spec_operations(spec):
        name = operation.get("operationId", f"{method.upper()} {path}")
        known = routes.get(f"{method.upper()} {path}")
        if known is None:
            continue  # check_since reports it
        marked = operation.get("x-trace-context") == "external"
        since = known.get("external_trace_context")
        if marked and since is None:
            problems.append(
                (
                    name,
                    f"x-trace-context is external, but {known['file']} does not keep the request's "
                    "traceparent as the run's external trace context: remove x-trace-context",
                )
            )
        elif since is not None and not marked:
            problems.append(
                (
                    name,
                    f"{known['file']} keeps the request's traceparent/tracestate as the run's external "
                    f"trace context (from {since}): add x-trace-context: external",
                )
            )
    return problems


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def spec_routes(spec: dict[str, Any]) -> list[str]:
    """Every route of the spec as ``"METHOD path"``."""
    return sorted({f"{method.upper()} {path}" for path, method, _ in spec_operations(spec)})

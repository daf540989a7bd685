"""`x-upstream.since` is checked against the release whose webapp first serves each route: the
route files, their handlers per method, and the check itself, on made-up listings."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from tools.upstream_model import load_spec
from tools.upstream_routes import (
    ROUTES_DIR,
    ROUTES_FILE,
    check_since,
    check_trace_context,
    first_releases,
    release_tags,
    route_file,
    route_segments,
    serves,
    spec_routes,
)


def test_release_tags_are_the_releases_from_the_oldest_supported_in_order() -> None:
    tags = ["v4.5.0-rc.1", "trigger.dev@4.0.0-v4-beta.3", "trigger.dev@3.3.0", "v4.4.2", "trigger.dev@4.0.1",
            "trigger.dev@4.0.0", "v4.10.0", "@trigger.dev/sdk@4.0.2", "v4.5.0"]  # fmt: skip
    assert release_tags(tags) == [
        ("4.0.0", "trigger.dev@4.0.0"),
        ("4.0.1", "trigger.dev@4.0.1"),
        ("4.4.2", "v4.4.2"),
        ("4.5.0", "v4.5.0"),
        ("4.10.0", "v4.10.0"),
    ]


@pytest.mark.parametrize(
    ("name", "segments"),
    [
        ("api.v1.runs.$runParam.replay.ts", ["api", "v1", "runs", "$runParam", "replay"]),
        ("api.v2.packets.$.ts", ["api", "v2", "packets", "$"]),
        ("api.v1.deployments.current.ts", ["api", "v1", "deployments", "current"]),
        ("realtime.v1.streams.$runId.$streamId", ["realtime", "v1", "streams", "$runId", "$streamId"]),
        ("[.]well-known.ts", [".well-known"]),
        ("api.v1.projects._index.tsx", ["api", "v1", "projects"]),
        ("_app.orgs.$organizationSlug.tsx", None),
    ],
)
def test_route_file_names_become_url_segments(name: str, segments: list[str] | None) -> None:
    assert route_segments(name) == segments


def test_a_literal_segment_is_served_only_by_the_same_literal() -> None:
    assert serves(["api", "v1", "deployments", "current"], "/api/v1/deployments/current")
    assert not serves(["api", "v1", "deployments", "$deploymentId"], "/api/v1/deployments/current")
    assert serves(["api", "v1", "runs", "$runParam"], "/api/v1/runs/{runId}")
    assert serves(["api", "v2", "packets", "$"], "/api/v2/packets/{filename}")
    assert not serves(["api", "v1", "runs"], "/api/v1/runs/{runId}")
    assert route_file(["api.v1.deployments.$deploymentId.ts"], "/api/v1/deployments/current") is None


class Listing:
    """Route files and their sources at one made-up release."""

    def __init__(self, files: dict[str, str]) -> None:
        self.files = files

    def list_dir(self, relative: str) -> list[str]:
        assert relative == ROUTES_DIR
        return sorted({name.split("/", 1)[0] for name in self.files})

    def read(self, relative: str) -> str:
        name = relative.removeprefix(ROUTES_DIR + "/")
        if name not in self.files:
            raise SystemExit(f"no {relative}")
        return self.files[name]


def test_a_route_is_served_from_the_first_release_whose_file_exports_its_handler() -> None:
    action_only = "export { action };"
    both = "export async function loader() {}\nexport { action };"
    releases = [("4.0.0", "a"), ("4.1.0", "b"), ("4.2.0", "c")]
    listings = {
        "a": Listing({"api.v1.runs.$runId.metadata.ts": action_only}),
        "b": Listing({"api.v1.runs.$runId.metadata.ts": both}),
        "c": Listing(
            {"api.v1.runs.$runId.metadata.ts": both, "api.v1.things/route.ts": "export const loader = x"}
        ),
    }
    found = first_releases(
        [
            "PUT /api/v1/runs/{id}/metadata",
            "GET /api/v1/runs/{id}/metadata",
            "GET /api/v1/things",
            "GET /nowhere",
        ],
        releases,
        listings,  # type: ignore[arg-type]
    )
    assert {route: entry["first_release"] for route, entry in found.items()} == {
        "PUT /api/v1/runs/{id}/metadata": "4.0.0",
        "GET /api/v1/runs/{id}/metadata": "4.1.0",
        "GET /api/v1/things": "4.2.0",
    }


def _routes_file(tmp_path: Path, routes: dict[str, str]) -> Path:
    path = tmp_path / "routes.json"
    entries = {route: {"first_release": release, "file": "f.ts"} for route, release in routes.items()}
    path.write_text(json.dumps({"source": {}, "routes": entries}))
    return path


def test_since_must_name_the_first_release_and_only_for_newer_routes(tmp_path: Path) -> None:
    spec = copy.deepcopy(load_spec())
    recorded = json.loads(ROUTES_FILE.read_text())["routes"]
    assert check_since(spec) == []  # the committed spec agrees with the committed evidence
    assert sorted(recorded) == spec_routes(spec)

    operation: dict[str, Any] = spec["paths"]["/api/v1/deployments"]["get"]
    operation["x-upstream"]["since"] = "4.1.0"
    (problem,) = check_since(spec)
    assert problem[0] == "listDeployments" and "first appears in 4.0.1: set since: 4.0.1" in problem[1]

    del operation["x-upstream"]["since"]
    assert "set since: 4.0.1" in check_since(spec)[0][1]

    spec["paths"]["/api/v3/runs/{runId}"]["get"]["x-upstream"]["since"] = "4.0.1"
    problems = dict(check_since(spec))
    assert "the oldest supported release: remove since" in problems["retrieveRun"]

    assert check_since(spec, _routes_file(tmp_path, {}))[0][1].startswith("no route file serves")
    assert "missing" in check_since(spec, tmp_path / "absent.json")[0][1]


def test_routes_keeping_an_external_trace_context_are_recorded_from_their_first_release() -> None:
    reads = "const { traceparent, tracestate } = headers;\nexport { action };"
    keeps = reads + "\nconst c = isFromWorker ? { traceparent } : { external: { traceparent, tracestate } };"
    worker_only = reads + "\nconst c = traceparent && isFromWorker ? { traceparent, tracestate } : undefined;"
    releases = [("4.0.0", "a"), ("4.1.0", "b"), ("4.2.0", "c")]
    files = {"api.v1.things.ts": reads, "api.v1.batch.ts": worker_only, "api.v1.tasks.ts": keeps}
    listings = {
        "a": Listing(files),
        "b": Listing({**files, "api.v1.things.ts": keeps}),
        "c": Listing({**files, "api.v1.things.ts": keeps}),
    }
    found = first_releases(
        ["POST /api/v1/things", "POST /api/v1/batch", "POST /api/v1/tasks"],
        releases,
        listings,  # type: ignore[arg-type]
    )
    assert {route: entry.get("external_trace_context") for route, entry in found.items()} == {
        "POST /api/v1/things": "4.1.0",
        "POST /api/v1/batch": None,
        "POST /api/v1/tasks": "4.0.0",
    }


def test_the_trace_context_mark_must_match_the_route_upstream() -> None:
    spec = copy.deepcopy(load_spec())
    assert check_trace_context(spec) == []  # the committed spec agrees with the committed evidence
    marked = sorted(
        operation["operationId"]
        for item in spec["paths"].values()
        for operation in item.values()
        if isinstance(operation, dict) and operation.get("x-trace-context") == "external"
    )
    assert marked == ["createBatch", "triggerTask"]

    del spec["paths"]["/api/v1/tasks/{taskId}/trigger"]["post"]["x-trace-context"]
    spec["paths"]["/api/v3/runs/{runId}"]["get"]["x-trace-context"] = "external"
    problems = dict(check_trace_context(spec))
    assert "add x-trace-context: external" in problems["triggerTask"]
    assert "remove x-trace-context" in problems["retrieveRun"]

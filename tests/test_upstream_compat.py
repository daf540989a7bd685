"""Never stricter than the official SDK: bodies derived from its own response schemas (zod, at
the oldest supported release and the newest) go through the public API of every operation,
and every attribute of the result is read.

The evidence and the fixtures are in tests/fixtures/upstream/ (see tools/upstream_evidence.py).
The fixtures are replayed by a local server; the property-based test draws bodies from the
same schemas with every optional field left out or set to null at random.
"""

from __future__ import annotations

import asyncio
import copy
import datetime
import io
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import urllib3
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pytest_httpserver import HTTPServer

from tests.support.clients import ACCESS_TOKEN, async_client, sync_client
from tools.upstream_evidence import Checker
from tools.upstream_fixtures import OBJECT_STORE, root_name
from tools.upstream_model import (
    EVIDENCE_DIR,
    ITEM,
    Evidence,
    Upstreamed,
    load_evidence,
    load_spec,
    may_be_absent,
    upstreamed_operations,
)
from trigger_dev import BatchNotSealedError, Page
from trigger_dev._model_support import Model

SPEC = load_spec()
EVIDENCE = load_evidence()
OPERATIONS = {op.operation_id: op for op in upstreamed_operations(SPEC)}

# How each operation is called through the public surface (async: the same on the async client).
CALLS: dict[str, Callable[[Any], Any]] = {
    "triggerTask": lambda c: c.tasks.trigger("send-email", {"to": "a@example.com"}),
    "createBatch": lambda c: c.tasks.batch_trigger("send-email", [{"payload": 1}, {"payload": 2}]),
    "streamBatchItems": lambda c: c.tasks.batch_trigger("send-email", [{"payload": 1}, {"payload": 2}]),
    "listRuns": lambda c: c.runs.list(limit=10),
    "listProjectRuns": lambda c: c.runs.list(project_ref="proj_1", env="prod"),
    "retrieveRun": lambda c: c.runs.retrieve("run_1"),
    "cancelRun": lambda c: c.runs.cancel("run_1"),
    "replayRun": lambda c: c.runs.replay("run_1"),
    "rescheduleRun": lambda c: c.runs.reschedule("run_1", delay="1h"),
    "listEnvVars": lambda c: c.envvars.list("proj_1", "prod"),
    "createEnvVar": lambda c: c.envvars.create("proj_1", "prod", name="A", value="1"),
    "uploadEnvVars": lambda c: c.envvars.upload("proj_1", "prod", variables={"A": "1"}),
    "retrieveEnvVar": lambda c: c.envvars.retrieve("proj_1", "prod", "A"),
    "updateEnvVar": lambda c: c.envvars.update("proj_1", "prod", "A", value="2"),
    "deleteEnvVar": lambda c: c.envvars.delete("proj_1", "prod", "A"),
    "listSchedules": lambda c: c.schedules.list(per_page=10),
    "createSchedule": lambda c: c.schedules.create(task="report", cron="0 9 * * *", deduplication_key="r"),
    "retrieveSchedule": lambda c: c.schedules.retrieve("sched_1"),
    "updateSchedule": lambda c: c.schedules.update("sched_1", task="report", cron="0 9 * * *"),
    "deleteSchedule": lambda c: c.schedules.delete("sched_1"),
    "activateSchedule": lambda c: c.schedules.activate("sched_1"),
    "deactivateSchedule": lambda c: c.schedules.deactivate("sched_1"),
    "listTimezones": lambda c: c.schedules.timezones(),
    "retrieveBatch": lambda c: c.batches.retrieve("batch_1"),
    "createWaitpointToken": lambda c: c.waitpoints.create_token(timeout="1h"),
    "listWaitpointTokens": lambda c: c.waitpoints.list_tokens(limit=10),
    "retrieveWaitpointToken": lambda c: c.waitpoints.retrieve_token("waitpoint_1"),
    "completeWaitpointToken": lambda c: c.waitpoints.complete_token("waitpoint_1", {"ok": True}),
    "resetIdempotencyKey": lambda c: c.idempotency_keys.reset("send-email", "user-1"),
    "listQueues": lambda c: c.queues.list(per_page=10),
    "retrieveQueue": lambda c: c.queues.retrieve("queue_1"),
    "pauseQueue": lambda c: c.queues.pause("queue_1"),
    "overrideQueueConcurrencyLimit": lambda c: c.queues.override_concurrency_limit(
        "queue_1", concurrency_limit=2
    ),
    "resetQueueConcurrencyLimit": lambda c: c.queues.reset_concurrency_limit("queue_1"),
    "updateRunMetadata": lambda c: c.runs.update_metadata("run_1", metadata={"a": 1}),
    "listDeployments": lambda c: c.deployments.list(limit=10),
    "retrieveCurrentDeployment": lambda c: c.deployments.retrieve_current(),
    "createBulkAction": lambda c: c.bulk_actions.create("cancel", run_ids=["run_1"]),
    "listBulkActions": lambda c: c.bulk_actions.list(limit=10),
    "retrieveBulkAction": lambda c: c.bulk_actions.retrieve("bulk_1"),
    "abortBulkAction": lambda c: c.bulk_actions.abort("bulk_1"),
    "sendInputStream": lambda c: c.runs.send_input("run_1", "approval", {"approved": True}),
    "startSession": lambda c: c.sessions.start(
        "support-agent", type="chat.agent", external_id="chat_1", trigger_config={"base_payload": {}}
    ),
    "listSessions": lambda c: c.sessions.list(limit=10),
    "retrieveSession": lambda c: c.sessions.retrieve("chat_1"),
    "updateSession": lambda c: c.sessions.update("chat_1", tags=["a"]),
    "closeSession": lambda c: c.sessions.close("chat_1"),
    "listPrompts": lambda c: c.prompts.list(),
    "resolvePrompt": lambda c: c.prompts.resolve("support-reply", variables={"name": "Ada"}),
    "listPromptVersions": lambda c: c.prompts.versions("support-reply"),
    "promotePromptVersion": lambda c: c.prompts.promote("support-reply", 2),
    "createPromptOverride": lambda c: c.prompts.create_override("support-reply", "Hi {{name}}"),
    "updatePromptOverride": lambda c: c.prompts.update_override("support-reply", model="gpt-4o"),
    "removePromptOverride": lambda c: c.prompts.remove_override("support-reply"),
    "reactivatePromptOverride": lambda c: c.prompts.reactivate_override("support-reply", 4),
    # the operations routes (issue 24)
    "retrieveRunTrace": lambda c: c.runs.retrieve_trace("run_1"),
    "retrieveRunSpan": lambda c: c.runs.retrieve_span("run_1", "span_1"),
    "listErrors": lambda c: c.errors.list(limit=10),
    "retrieveError": lambda c: c.errors.retrieve("error_1"),
    "ignoreError": lambda c: c.errors.ignore("error_1", duration_ms=60_000),
    "resolveError": lambda c: c.errors.resolve("error_1"),
    "unresolveError": lambda c: c.errors.unresolve("error_1"),
    "retrieveDeployment": lambda c: c.deployments.retrieve("deployment_1"),
    "retrieveLatestDeployment": lambda c: c.deployments.retrieve_latest(),
    "promoteDeployment": lambda c: c.deployments.promote("20250101.1"),
    "whoAmIWithAccessToken": lambda c: c.auth.whoami(project_ref="proj_1"),
    "listWebhookEndpoints": lambda c: c.webhooks.list_endpoints(),
    "retrieveWebhookEndpoint": lambda c: c.webhooks.retrieve_endpoint("wh_1"),
    "enableWebhookEndpoint": lambda c: c.webhooks.enable_endpoint("wh_1"),
    "disableWebhookEndpoint": lambda c: c.webhooks.disable_endpoint("wh_1"),
    "rotateWebhookEndpointSecret": lambda c: c.webhooks.rotate_secret("wh_1"),
    "listWebhookDeliveries": lambda c: c.webhooks.list_deliveries(limit=10),
    "retrieveWebhookDelivery": lambda c: c.webhooks.retrieve_delivery("whd_1"),
    "replayWebhookDelivery": lambda c: c.webhooks.replay_delivery("whd_1"),
    "retrieveQuerySchema": lambda c: c.query.schema(),
    "listQueryDashboards": lambda c: c.query.list_dashboards(),
}
# Called by the runtime on its own: large payloads (test_large_data.py) and stored payloads
# of realtime rows (test_realtime.py).
RUNTIME_ONLY = {"presignPacketUpload", "presignPacketUploadV1", "presignPacketDownload"}
# The other phase of a batch trigger answers with a fixed body when one phase is under test.
OTHER_PHASE = {
    "createBatch": (
        "streamBatchItems",
        {"id": "batch_1", "itemsAccepted": 2, "itemsDeduplicated": 0, "sealed": True},
    ),
    "streamBatchItems": ("createBatch", {"id": "batch_1", "runCount": 2, "isCached": False}),
}
STORED = {"stored": ["large", "data"]}


def test_every_operation_is_covered() -> None:
    assert set(OPERATIONS) == set(CALLS) | RUNTIME_ONLY


def cases() -> Iterator[tuple[str, str, str]]:
    for evidence in EVIDENCE:
        for operation_id in sorted(CALLS):
            path = EVIDENCE_DIR / evidence.version / f"{root_name(OPERATIONS[operation_id])}.json"
            if path.exists():
                for variant in ("minimal", "nulls", "full"):
                    yield evidence.version, operation_id, variant


CASES = list(cases())


def test_fixtures_cover_both_ends_of_the_supported_range() -> None:
    versions = {version for version, _, _ in CASES}
    assert {"4.0.0", EVIDENCE[-1].version} <= versions
    newest = {op for version, op, _ in CASES if version == EVIDENCE[-1].version}
    assert newest == set(CALLS)


def fixture_body(version: str, operation_id: str, variant: str) -> Any:
    data = json.loads((EVIDENCE_DIR / version / f"{root_name(OPERATIONS[operation_id])}.json").read_text())
    assert data["source"]["version"] == version and data["source"]["schema"]
    return data[variant]


def route_pattern(operation: Upstreamed) -> re.Pattern[str]:
    return re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", operation.path) + "$")


def serve(httpserver: HTTPServer, operation_id: str, body: Any) -> None:
    text = json.dumps(body).replace(OBJECT_STORE, httpserver.url_for("/store").rstrip("/"))
    operation = OPERATIONS[operation_id]
    httpserver.expect_request(route_pattern(operation), method=operation.method).respond_with_data(
        text, status=int(operation.status), content_type="application/json"
    )
    if operation_id in OTHER_PHASE:
        other, other_body = OTHER_PHASE[operation_id]
        httpserver.expect_request(
            route_pattern(OPERATIONS[other]), method=OPERATIONS[other].method
        ).respond_with_json(other_body, status=int(OPERATIONS[other].status))
    httpserver.expect_request(re.compile(r"^/store/.+")).respond_with_json(STORED)


def read_everything(value: Any, depth: int = 0) -> int:
    """Read every attribute of a result, recursively; returns how many were read."""
    assert depth < 20
    if isinstance(value, Page):
        value.has_next_page()
        value.has_previous_page()
        return sum(read_everything(item, depth + 1) for item in value.data)
    if isinstance(value, list):
        return sum(read_everything(item, depth + 1) for item in value)
    if isinstance(value, Model):
        count = 0
        for name in dir(type(value)):
            if isinstance(getattr(type(value), name, None), property):
                count += 1 + read_everything(getattr(value, name), depth + 1)
        value.to_dict()
        repr(value)
        return count
    return 0


def client_for(operation_id: str, base_url: str, make: Any = sync_client, **arguments: Any) -> Any:
    """The client an operation needs: the project runs list takes a personal access token."""
    if operation_id in ("listProjectRuns", "whoAmIWithAccessToken"):
        arguments["access_token"] = ACCESS_TOKEN
    return make(base_url, attempts=1, **arguments)


@pytest.mark.parametrize(("version", "operation_id", "variant"), CASES)
def test_upstream_bodies_are_accepted_and_fully_readable(
    httpserver: HTTPServer, version: str, operation_id: str, variant: str
) -> None:
    body = fixture_body(version, operation_id, variant)
    serve(httpserver, operation_id, body)
    with client_for(operation_id, httpserver.url_for("")) as client:
        result = CALLS[operation_id](client)
        assert read_everything(result) > 0 or result is not None
    if variant == "full" and operation_id in ("retrieveRun", "rescheduleRun"):
        assert (result.payload, result.output) == (STORED, STORED)  # downloaded from the presigned URLs


@pytest.mark.parametrize(("version", "operation_id"), sorted({(v, o) for v, o, _ in CASES}))
def test_upstream_bodies_through_the_async_client(
    httpserver: HTTPServer, version: str, operation_id: str
) -> None:
    serve(httpserver, operation_id, fixture_body(version, operation_id, "minimal"))

    async def main() -> int:
        async with client_for(operation_id, httpserver.url_for(""), async_client) as client:
            if OPERATIONS[operation_id].page:
                page = await CALLS[operation_id](client)
                return read_everything(page)
            return read_everything(await CALLS[operation_id](client))

    asyncio.run(main())


def test_absent_optional_values_read_as_none_or_their_default(httpserver: HTTPServer) -> None:
    serve(httpserver, "retrieveRun", fixture_body("4.0.0", "retrieveRun", "minimal"))
    run = client_for("retrieveRun", httpserver.url_for("")).runs.retrieve("run_1")
    assert run.attempt_count == 0  # zod: .default(0)
    assert run.related_runs.children == []
    assert (run.output, run.payload, run.error, run.schedule, run.task_kind, run.attempts) == (None,) * 6
    httpserver.clear()
    serve(httpserver, "retrieveSchedule", fixture_body("4.0.0", "retrieveSchedule", "minimal"))
    schedule = client_for("retrieveSchedule", httpserver.url_for("")).schedules.retrieve("sched_1")
    assert (schedule.next_run, schedule.next_run_effective_at, schedule.window) == (None, None, None)


# --- property-based: bodies drawn from the official SDK's schemas


class CannedPool(urllib3.PoolManager):
    """Answers every request from memory: the operation's body, or stored data for a presigned URL."""

    def __init__(self, body: bytes, status: int, other: dict[str, tuple[int, bytes]]) -> None:
        super().__init__()
        self.body, self.status, self.other = body, status, other

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> urllib3.HTTPResponse:  # type: ignore[override]
        status, data = self.status, self.body
        if url.startswith(OBJECT_STORE):
            status, data = 200, json.dumps(STORED).encode()
        for suffix, answer in self.other.items():
            if url.split("?")[0].endswith(suffix):
                status, data = answer
        return urllib3.HTTPResponse(
            body=io.BytesIO(data),
            status=status,
            headers={"Content-Type": "application/json"},
            preload_content=False,
        )


# A batch id is put into the path of the next request, so it is drawn as an id; the client
# refuses ids that cannot be one path segment (tested in test_wire.py).
ID_FIELDS = {"createBatch": st.from_regex(r"batch_[a-z0-9]{1,12}", fullmatch=True)}


def strategy(
    evidence: Evidence,
    node: dict[str, Any],
    spec_node: dict[str, Any],
    item: dict[str, Any] | None,
    name: str = "",
    depth: int = 0,
) -> Any:
    spec_node = resolve_spec(spec_node)
    while "ref" in node:
        target: dict[str, Any] = item if node["ref"] == ITEM else evidence.schemas[node["ref"]]["schema"]  # type: ignore[assignment]
        node = {**target, **{k: v for k, v in node.items() if k not in ("ref", "item")}}
    kind = node.get("type")
    if kind == "object":
        properties = spec_node.get("properties", {})
        fields = {}
        for key, field in node.get("fields", {}).items():
            merged = field
            value = strategy(evidence, field, properties.get(key, {}), item, key, depth + 1)
            while "ref" in merged and merged["ref"] != ITEM:
                merged = {
                    **evidence.schemas[merged["ref"]]["schema"],
                    **{k: v for k, v in merged.items() if k != "ref"},
                }
            if merged.get("nullable"):
                value = st.one_of(st.none(), value)
            if may_be_absent(merged):
                value = st.one_of(st.just(_ABSENT), value)
            fields[key] = value
        return st.fixed_dictionaries(fields).map(lambda d: {k: v for k, v in d.items() if v is not _ABSENT})
    if kind == "array":
        if depth > 12:  # a recursive schema (a trace's span tree) ends in leaves
            return st.just([])
        return st.lists(
            strategy(evidence, node["items"], spec_node.get("items", {}), item, name, depth + 1), max_size=3
        )
    if kind == "record":
        return st.dictionaries(st.text(max_size=5), JSON, max_size=3)
    if kind == "union":
        return st.one_of(
            *(strategy(evidence, option, spec_node, item, name, depth + 1) for option in node["options"])
        )
    if kind == "string":
        return st.just(f"{OBJECT_STORE}/p.json") if name.endswith("PresignedUrl") else st.text(max_size=12)
    if kind == "number":
        integers = st.integers(min_value=-(2**53), max_value=2**53)
        # The spec narrows counts (attemptCount, depth, runCount...) to integers; see
        # docs/spec-conventions.md. Other numbers take any finite value.
        if "integer" in str(spec_node.get("type")):
            return integers
        return st.one_of(integers, st.floats(allow_nan=False, allow_infinity=False))
    if kind == "boolean":
        return st.booleans()
    if kind == "date":
        instants = st.datetimes(timezones=st.just(datetime.timezone.utc))
        return st.one_of(
            instants.map(
                lambda d: d.isoformat(timespec="milliseconds").replace("+00:00", "Z")
            ),  # as JSON.stringify writes dates
            st.integers(min_value=0, max_value=4_102_444_800_000),  # epoch ms, which zod's dates take too
        )
    if kind == "enum":
        return st.sampled_from(node["values"])
    if kind == "literal":
        return st.just(node["value"])
    return JSON


_ABSENT = object()
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)


def resolve_spec(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        target: Any = SPEC
        for part in node["$ref"][2:].split("/"):
            target = target[part]
        node = target
    return node


def body_strategy(evidence: Evidence, operation: Upstreamed) -> Any:
    root = operation.zod_root(evidence)
    assert root is not None
    bodies = strategy(evidence, root, operation.schema, root.get("item"))
    if operation.operation_id in ID_FIELDS:
        return st.tuples(bodies, ID_FIELDS[operation.operation_id]).map(
            lambda pair: {**pair[0], "id": pair[1]}
        )
    return bodies


PROPERTY_CASES = [
    (evidence.version, operation_id)
    for evidence in EVIDENCE
    for operation_id in sorted(CALLS)
    if OPERATIONS[operation_id].zod_root(evidence) is not None
]


@pytest.mark.parametrize(("version", "operation_id"), PROPERTY_CASES)
def test_any_body_the_official_sdk_accepts_is_accepted(version: str, operation_id: str) -> None:
    evidence = next(e for e in EVIDENCE if e.version == version)
    operation = OPERATIONS[operation_id]
    other = {}
    if operation_id in OTHER_PHASE:
        name, answer = OTHER_PHASE[operation_id]
        suffix = OPERATIONS[name].path.rsplit("}", 1)[-1] or OPERATIONS[name].path
        other[suffix] = (int(OPERATIONS[name].status), json.dumps(answer).encode())

    @settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(body=body_strategy(evidence, operation))
    def check(body: Any) -> None:
        pool = CannedPool(json.dumps(body).encode(), int(operation.status), other)
        client = client_for(operation_id, "http://api.invalid", pool_manager=pool)
        try:
            result = CALLS[operation_id](client)
        except BatchNotSealedError:
            assert body["sealed"] is False  # the answer to an unsealed batch, as in the official SDK
            return
        read_everything(result)

    check()


# --- the checker itself: a spec stricter than the evidence is refused


def stricter(mutate: Callable[[dict[str, Any]], None]) -> list[str]:
    spec = copy.deepcopy(SPEC)
    mutate(spec)
    return [f"{f.where}: {f.what}" for f in Checker(spec).check(upstreamed_operations(spec), EVIDENCE)]


def test_the_committed_spec_passes_the_check() -> None:
    assert stricter(lambda spec: None) == []


def test_a_field_made_required_that_older_servers_omit_is_refused() -> None:
    findings = stricter(
        lambda spec: spec["components"]["schemas"]["Schedule"]["required"].append("nextRunEffectiveAt")
    )
    assert any(
        "Schedule.nextRunEffectiveAt: required in the spec, but the official SDK at 4.0.0 does not read it"
        in f
        for f in findings
    )


def test_a_field_made_required_that_zod_marks_optional_is_refused() -> None:
    findings = stricter(
        lambda spec: spec["components"]["schemas"]["TriggerTaskResponse"]["required"].append("isCached")
    )
    assert any("TriggerTaskResponse.isCached: required in the spec, but optional" in f for f in findings)


def test_a_nullish_field_that_the_spec_makes_non_null_is_refused() -> None:
    def mutate(spec: dict[str, Any]) -> None:
        spec["components"]["schemas"]["Schedule"]["properties"]["nextRun"]["type"] = "string"

    assert any("Schedule.nextRun: the official SDK at 4.0.0 accepts null" in f for f in stricter(mutate))


def test_a_zod_default_must_be_the_spec_default() -> None:
    def mutate(spec: dict[str, Any]) -> None:
        del spec["components"]["schemas"]["Run"]["properties"]["attemptCount"]["default"]

    assert any("Run.attemptCount: absent reads as 0" in f for f in stricter(mutate))


def test_a_field_the_official_sdk_reads_must_be_described() -> None:
    def mutate(spec: dict[str, Any]) -> None:
        del spec["components"]["schemas"]["Run"]["properties"]["taskKind"]

    assert any(
        "Run.taskKind: read by the official SDK at 4.5.12 but missing from the spec" in f
        for f in stricter(mutate)
    )


def test_the_evidence_names_its_sources() -> None:
    for evidence in EVIDENCE:
        data = json.loads(evidence.path.read_text())
        assert data["source"]["repository"] == "triggerdotdev/trigger.dev"
        assert re.fullmatch(r"[0-9a-f]{40}", data["source"]["commit"])
        for entry in data["schemas"].values():
            assert entry["file"].startswith("packages/core/src/v3/") and entry["line"] > 0
    for path in Path(EVIDENCE_DIR).glob("*/*.json"):
        source = json.loads(path.read_text())["source"]
        assert {"tag", "file", "schema", "line"} <= source.keys()

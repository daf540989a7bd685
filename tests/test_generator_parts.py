"""The generator's own parts, one stage at a time, beside the end-to-end check that
generated/ is what the spec gives (make check)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from generator.context import build_context
from generator.names import python_name
from generator.readme import (
    MATRIX_END,
    MATRIX_START,
    VERSIONS_END,
    VERSIONS_START,
    credential_matrix,
    server_versions,
    update_readme,
)
from generator.render import docstring
from generator.spec import Document, GenerationError, parse_spec
from generator.typemap import TypeMap


@pytest.fixture(scope="module")
def document() -> Document:
    return Document.load()


def property_of(document: Document, model: str, wire: str) -> Any:
    found = document.models[model]
    return next(
        p
        for p in [*(found.required_properties or []), *(found.optional_properties or [])]
        if p.name.get_untrusted_value() == wire
    )


@pytest.mark.parametrize(
    ("wire", "python"),
    [
        ("taskIdentifier", "task_identifier"),
        ("idempotencyKeyTTL", "idempotency_key_ttl"),
        ("isTest", "is_test"),
        ("from", "from_"),  # a keyword
        ("wire", "wire_"),  # a name the model template uses itself
        ("list", "list_"),  # would hide the method of the same name
    ],
)
def test_python_names(wire: str, python: str) -> None:
    assert python_name(wire) == python


def test_a_name_without_an_identifier_needs_x_python_name() -> None:
    with pytest.raises(GenerationError, match="set x-python-name"):
        python_name("123")


@pytest.mark.parametrize(
    ("model", "wire", "annotation", "reader"),
    [
        ("Run", "id", "str", "as_str"),
        ("Run", "attemptCount", "int", "as_int"),
        ("Run", "createdAt", "datetime.datetime", "as_datetime"),
        ("Run", "status", "RunStatusLiteral", "enum_reader(RunStatus)"),
        ("Run", "tags", "list[str]", "list_reader(as_str)"),
        ("Run", "metadata", "dict[str, Any]", "as_object"),
        ("Run", "payload", "Any", "as_any"),
        ("Run", "relatedRuns", "RelatedRuns", "RelatedRuns._from_wire"),
        ("Schedule", "nextRun", "datetime.datetime | None", "nullable(as_datetime)"),
    ],
)
def test_type_mapping(document: Document, model: str, wire: str, annotation: str, reader: str) -> None:
    types = TypeMap(document.models)
    prop = property_of(document, model, wire)
    assert types.annotation(prop, inbound=True) == annotation
    assert types.reader(prop) == reader


def test_inputs_are_typed_as_what_callers_pass(document: Document) -> None:
    types = TypeMap(document.models)
    assert types.annotation(property_of(document, "Run", "tags"), inbound=False) == "Sequence[str]"
    assert types.annotation(property_of(document, "Run", "metadata"), inbound=False) == "Mapping[str, Any]"
    status = property_of(document, "Run", "status")
    assert types.annotation(status, inbound=False) == "RunStatus | RunStatusLiteral"
    # A model's constructor takes what an argument takes, keeping the containers it reads.
    assert types.annotation(status, inbound=True, constructing=True) == "RunStatus | RunStatusLiteral"
    tags = property_of(document, "Run", "tags")
    assert types.annotation(tags, inbound=True, constructing=True) == "list[str]"


def test_an_enum_argument_takes_the_members_of_the_enums_it_accepts(document: Document) -> None:
    context = build_context(document)
    runs = next(r for r in context.resources if r.name == "runs")
    listing = next(m for m in runs.methods if m.name == "list")
    status = next(p for p in listing.keyword if p.python == "status")
    assert status.annotation == "Sequence[RunStatusFilter | RunStatusFilterLiteral | RunStatus]"
    assert {"RunStatus", "RunStatusFilter", "RunStatusFilterLiteral"} <= set(runs.model_imports)


def test_every_enum_has_a_literal_alias_of_its_values(document: Document) -> None:
    context = build_context(document)
    status = next(e for e in context.enums if e.name == "RunStatus")
    assert status.literal == "RunStatusLiteral"
    run = next(m for m in context.models if m.name == "Run")
    field = next(f for f in run.fields if f.python == "status")
    assert (field.annotation, field.init_annotation, field.reader_type) == (
        "RunStatusLiteral",
        "RunStatus | RunStatusLiteral",
        "RunStatusLiteral",
    )
    assert ("run_status", "RunStatusLiteral") in run.imports


@pytest.mark.parametrize(
    ("schema", "accepts"),
    [
        ("QueueLookupType", "Nope"),  # no such enum
        ("RunStatus", "WaitpointTokenStatus"),  # its values are all run statuses, but...
        ("RunStatus", "RunStatusFilter"),  # a wider enum: some of its members would be refused
    ],
)
def test_x_sdk_accepts_names_a_public_enum_with_no_other_values(
    document: Document, schema: str, accepts: str
) -> None:
    spec = copy.deepcopy(document.spec)
    spec["components"]["schemas"][schema]["x-sdk-accepts"] = [accepts]
    if accepts == "WaitpointTokenStatus":
        spec["components"]["schemas"]["WaitpointTokenStatus"]["enum"].append("EXPIRED_LONG_AGO")
    with pytest.raises(GenerationError, match=f"{schema}: x-sdk-accepts names {accepts}"):
        build_context(Document(spec, parse_spec(spec)))


def test_writers_turn_values_back_into_the_wire_form(document: Document) -> None:
    types = TypeMap(document.models)
    assert types.writer(property_of(document, "Run", "createdAt"), "value") == "write_datetime(value)"
    assert types.writer(property_of(document, "Run", "status"), "value") == "str(value)"
    assert (
        types.writer(property_of(document, "Schedule", "nextRun"), "v")
        == "None if v is None else write_datetime(v)"
    )


def test_docstrings_are_wrapped_and_safe_inside_triple_quotes() -> None:
    text = 'Ends with a "quote"\n\nA second paragraph with a backslash \\ and """ inside, long enough to wrap around the limit.'
    rendered = docstring(text, indent=4, width=60)
    assert '"""' not in rendered.replace('\\"\\"\\"', "")
    assert "\\\\" in rendered  # the backslash is escaped
    assert ("\n\n" not in rendered and "\n    \n" in rendered) or "\n\n    " in rendered or "\n" in rendered
    assert all(len(line) <= 60 for line in rendered.splitlines())
    assert docstring('say "hi"').endswith('" ')  # a docstring cannot end on a quote


def test_the_credential_matrix_comes_from_security(document: Document) -> None:
    matrix = credential_matrix(build_context(document))
    lines = matrix.splitlines()
    assert (
        lines[0] == "| Python call | HTTP | secret key | personal access token | organization access token |"
    )
    assert "| `runs.list` | `GET /api/v1/runs` | yes | — | — |" in lines
    assert "| `runs.list` | `GET /api/v1/projects/{projectRef}/runs` | — | yes | — |" in lines
    assert (
        "| `schedules.timezones` | `GET /api/v1/timezones` | none needed | none needed | none needed |"
        in lines
    )
    assert any(
        line.startswith("| `tasks.batch_trigger`, `batches.trigger` | `POST /api/v3/batches` then ")
        for line in lines
    )


def test_a_changed_security_list_changes_the_matrix(document: Document) -> None:
    spec = copy.deepcopy(document.spec)
    spec["paths"]["/api/v3/runs/{runId}"]["get"]["security"].append({"personalAccessToken": []})
    matrix = credential_matrix(build_context(Document(spec, parse_spec(spec))))
    assert "| `runs.retrieve` | `GET /api/v3/runs/{runId}` | yes | yes | — |" in matrix.splitlines()


def test_the_readme_blocks_are_replaced_between_their_markers() -> None:
    readme = (
        f"intro\n{MATRIX_START}\nold table\n{MATRIX_END}\nmiddle\n{VERSIONS_START}\nold\n{VERSIONS_END}\n"
    )
    blocks = {(MATRIX_START, MATRIX_END): "new table", (VERSIONS_START, VERSIONS_END): "new versions"}
    assert update_readme(readme, blocks) == (
        f"intro\n{MATRIX_START}\nnew table\n{MATRIX_END}\nmiddle\n{VERSIONS_START}\nnew versions\n{VERSIONS_END}\n"
    )
    with pytest.raises(GenerationError, match="lacks the markers"):
        update_readme("no markers", blocks)


def test_the_server_versions_table_comes_from_x_upstream_since(document: Document) -> None:
    table = server_versions(build_context(document)).splitlines()
    assert table[:2] == ["| call | served from |", "|---|---|"]
    row_401 = next(row for row in table if row.endswith("| 4.0.1 |"))
    assert "`deployments.list`" in row_401
    assert "| `idempotency_keys.reset`, `tasks.batch_trigger` | 4.3.1 |" in table
    releases = [row.rsplit("|", 2)[1].strip() for row in table[2:]]
    assert releases == sorted(releases, key=lambda v: tuple(map(int, v.split("."))))
    spec = copy.deepcopy(document.spec)
    spec["paths"]["/api/v3/runs/{runId}"]["get"]["x-upstream"]["since"] = "4.9.0"
    changed = server_versions(build_context(Document(spec, parse_spec(spec))))
    assert changed.splitlines()[-1] == "| `runs.retrieve` | 4.9.0 |"


def test_an_operation_without_x_sdk_is_refused(document: Document) -> None:
    spec = copy.deepcopy(document.spec)
    del spec["paths"]["/api/v1/timezones"]["get"]["x-sdk"]
    with pytest.raises(GenerationError, match="GET /api/v1/timezones has no x-sdk extension"):
        build_context(Document(spec, parse_spec(spec)))


def test_the_context_is_typed_and_complete(document: Document) -> None:
    context = build_context(document)
    assert context.api_version == "2025-07-16"
    assert [k.kind for k in context.credential_kinds] == [
        "secret_key",
        "personal_access_token",
        "organization_access_token",
    ]
    assert {r.name for r in context.resources} >= {"auth", "envvars", "runs", "schedules", "tasks"}
    assert {"packets.presign_upload", "packets.presign_upload_v1", "auth.jwt_claims"} <= {
        m.sdk_name for m in context.internal_methods
    }
    auth = next(r for r in context.resources if r.name == "auth")
    assert auth.runtime == ("_tokens.public", "PublicTokens", "AsyncPublicTokens")
    assert context.batch_max_items == 1000
    assert context.page_fields == {
        "cursor_next": "next",
        "cursor_previous": "previous",
        "page_current": "current_page",
        "page_total": "total_pages",
        "page_count": "count",
    }
    assert set(context.template_variables()) == {f for f in context.__dataclass_fields__}


def test_realtime_extensions_reach_the_context(document: Document) -> None:
    context = build_context(document)
    shape = next(r for r in context.routes if r.operation_id == "runShape")
    assert shape.headers == {"x-trigger-electric-version": "1.0.0-beta.1"}
    assert "RealtimeRun" in {m.name for m in context.models}  # x-sdk-yields: built, never parsed
    assert "RealtimeColumn" not in {e.name for e in context.enums}  # x-sdk-internal
    assert context.statuses.database["COMPLETED_SUCCESSFULLY"] == "COMPLETED"
    assert context.statuses.default == "QUEUED"
    assert context.statuses.flags["isCancelled"] == ["CANCELED"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda op, spec: op.update({"x-sdk-headers": {"Authorization": "x"}}), "cannot set"),
        (lambda op, spec: op.update({"x-sdk-headers": {"a": 1}}), "maps header names to strings"),
        (lambda op, spec: op.update({"x-sdk-yields": "Nope"}), "unknown schemas"),
        (
            lambda op, spec: spec["components"]["schemas"]["RealtimeRun"]["x-database-statuses"].update(
                X="RUNNING"
            ),
            "unknown: \\['RUNNING'\\]",
        ),
    ],
)
def test_bad_realtime_extensions_are_refused(document: Document, change: Any, message: str) -> None:
    spec = copy.deepcopy(document.spec)
    change(spec["paths"]["/realtime/v1/runs/{runId}"]["get"], spec)
    with pytest.raises(GenerationError, match=message):
        build_context(Document(spec, parse_spec(spec)))


# --- several methods on one route, and the other per-route extensions


def context_of(spec: dict[str, Any]) -> Any:
    return build_context(Document(spec, parse_spec(spec)))


def test_methods_sharing_a_route_send_their_fixed_arguments(document: Document) -> None:
    context = build_context(document)
    queues = next(r for r in context.resources if r.name == "queues")
    pause, resume = (next(m for m in queues.methods if m.name == name) for name in ("pause", "resume"))
    assert (pause.fixed, resume.fixed) == ({"action": "pause"}, {"action": "resume"})
    assert "action" not in {p.python for p in pause.positional + pause.keyword}
    assert pause.routes[0] is resume.routes[0]
    assert (pause.summary, resume.summary) == ("Pause a queue", "Resume a paused queue")
    assert [r.constant for r in context.routes].count("PAUSE_QUEUE") == 1


def pause_route(spec: dict[str, Any]) -> dict[str, Any]:
    return spec["paths"]["/api/v1/queues/{queueParam}/pause"]["post"]


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            lambda op: op["x-sdk"][0].__setitem__("fixed", {"verb": "pause"}),
            "fixed 'verb' is not a parameter",
        ),
        (
            lambda op: op["x-sdk"][0].__setitem__("fixed", {"action": "stop"}),
            "fixed action='stop' is not one of",
        ),
        (lambda op: op["x-sdk"][1].pop("fixed"), "must differ in `fixed` arguments"),
        (
            lambda op: op["x-sdk"][1].__setitem__("method", "pause"),
            "a method with fixed arguments has one route",
        ),
    ],
)
def test_fixed_arguments_are_checked(document: Document, edit: Any, message: str) -> None:
    spec = copy.deepcopy(document.spec)
    edit(pause_route(spec))
    with pytest.raises(GenerationError, match=message):
        context_of(spec)


def test_exactly_one_names_body_fields(document: Document) -> None:
    spec = copy.deepcopy(document.spec)
    spec["components"]["schemas"]["OverrideQueueConcurrencyRequestBody"]["x-sdk-exactly-one"] = [
        "limit",
        "percent",
    ]
    with pytest.raises(GenerationError, match="x-sdk-exactly-one names 'limit', not a body field"):
        context_of(spec)
    route = next(
        r for r in build_context(document).routes if r.operation_id == "overrideQueueConcurrencyLimit"
    )
    assert (route.exactly_one, route.since) == (["concurrency_limit", "percent"], "4.0.5")


def test_at_most_once_is_true_or_names_a_body_field(document: Document) -> None:
    routes = {r.operation_id: r for r in build_context(document).routes}
    assert (routes["sendInputStream"].at_most_once, routes["sendInputStream"].resend_safe_with) == (
        True,
        None,
    )
    assert (routes["startSession"].at_most_once, routes["startSession"].resend_safe_with) == (
        True,
        "external_id",
    )
    assert not routes["closeSession"].at_most_once
    spec = copy.deepcopy(document.spec)
    spec["paths"]["/api/v1/sessions"]["post"]["x-sdk-at-most-once"] = {"unless": "sessionKey"}
    with pytest.raises(GenerationError, match="startSession: x-sdk-at-most-once is true or"):
        context_of(spec)


def test_trace_context_marks_the_routes_that_keep_the_callers_trace(document: Document) -> None:
    routes = {r.operation_id: r for r in build_context(document).routes}
    assert sorted(name for name, route in routes.items() if route.trace_context) == [
        "createBatch",
        "triggerTask",
    ]
    spec = copy.deepcopy(document.spec)
    spec["paths"]["/api/v3/batches"]["post"]["x-trace-context"] = True
    with pytest.raises(GenerationError, match="createBatch: x-trace-context is 'external', got True"):
        context_of(spec)


def test_packets_name_a_sibling_field(document: Document) -> None:
    spec = copy.deepcopy(document.spec)
    spec["components"]["schemas"]["WaitpointTokenDetail"]["properties"]["output"]["x-sdk-packet"] = "kind"
    with pytest.raises(GenerationError, match="output's x-sdk-packet names unknown kind"):
        context_of(spec)
    routes = {r.operation_id: r for r in build_context(document).routes}
    assert routes["retrieveWaitpointToken"].packets == [("output", "outputType")]
    assert routes["retrieveRunMetadata"].packets == [("metadata", "metadataType")]
    assert routes["abortBulkAction"].final_statuses == [409]
    assert routes["createWaitpointToken"].header_fields == [
        ("publicAccessToken", "x-trigger-jwt", "write:waitpoints:{id}", "24h")
    ]

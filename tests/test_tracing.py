"""OpenTelemetry: a client span per request, read from the SDK's in-memory exporter, and the
trace context sent on the routes the spec marks (``x-trace-context``) and nowhere else; sync
and async, retries, rate-limit waits, errors, output streams, the object store, and nothing
imported or sent without OpenTelemetry."""

from __future__ import annotations

import asyncio
import json
import os
import pickle
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from typing import Any

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import NonRecordingSpan, SpanContext, SpanKind, StatusCode, TraceFlags, TraceState
from pytest_httpserver import HTTPServer
from werkzeug import Response

import trigger_dev
from tests.support.batch_server import batch_server
from tests.support.clients import ROOT, SECRET_KEY, AsyncWaits, Waits, async_client, sync_client
from tests.support.factories import retrieved_run
from tests.support.fault_server import fault_server, reset
from tests.support.realtime_server import OutputStreamScript, realtime_server
from tests.support.tracing import memory_exporter
from trigger_dev import _operations
from trigger_dev._wire.operation import Route

TRIGGERED = {"id": "run_1234abcd", "isCached": False}


@pytest.fixture(autouse=True)
def spans() -> Iterator[InMemorySpanExporter]:
    """The process's in-memory exporter, emptied for each test."""
    exporter = memory_exporter()
    exporter.clear()
    yield exporter
    exporter.clear()


tracer = trace.get_tracer("tests.test_tracing")


def client_spans(exporter: InMemorySpanExporter) -> list[ReadableSpan]:
    return [span for span in exporter.get_finished_spans() if span.kind is SpanKind.CLIENT]


def traceparent_of(span: ReadableSpan) -> str:
    context = span.get_span_context()
    assert context is not None
    return f"00-{context.trace_id:032x}-{context.span_id:016x}-{int(context.trace_flags):02x}"


def sent_headers(httpserver: HTTPServer) -> list[dict[str, str]]:
    return [{name.lower(): value for name, value in request.headers.items()} for request, _ in httpserver.log]


# --- the trigger route: a client span, and the trace context sent


def test_a_trigger_inside_a_span_is_a_client_span_whose_context_is_sent(
    httpserver: HTTPServer, spans: InMemorySpanExporter
) -> None:
    httpserver.expect_request("/api/v1/tasks/send-email/trigger", method="POST").respond_with_json(TRIGGERED)
    client = sync_client(httpserver.url_for(""))
    with tracer.start_as_current_span("checkout") as parent:
        client.tasks.trigger("send-email", {"to": "a@example.com"})
    (span,) = client_spans(spans)
    assert span.name == "POST /api/v1/tasks/{taskId}/trigger"
    assert span.parent is not None and span.parent.span_id == parent.get_span_context().span_id
    assert span.context is not None and span.context.trace_id == parent.get_span_context().trace_id
    assert dict(span.attributes or {}) == {
        "http.request.method": "POST",
        "server.address": httpserver.host,
        "server.port": httpserver.port,
        "url.full": f"http://{httpserver.host}:{httpserver.port}/api/v1/tasks/send-email/trigger",
        "url.template": "/api/v1/tasks/{taskId}/trigger",
        "http.response.status_code": 200,
        "trigger_dev.call": "tasks.trigger",
        "trigger_dev.task.id": "send-email",
        "trigger_dev.run.id": "run_1234abcd",
    }
    assert span.status.status_code is StatusCode.UNSET and not span.events
    (headers,) = sent_headers(httpserver)
    # The server's parent for the run is this client span, in the caller's trace.
    assert headers["traceparent"] == traceparent_of(span)
    assert "tracestate" not in headers and "baggage" not in headers


def test_the_callers_tracestate_travels_with_it(httpserver: HTTPServer, spans: InMemorySpanExporter) -> None:
    # A parent from another service (as an instrumented web framework extracts it): remote,
    # sampled out here, with vendor state. The trace continues all the same.
    remote = SpanContext(
        trace_id=0x4BF92F3577B34DA6A3CE929D0E0E4736,
        span_id=0x00F067AA0BA902B7,
        is_remote=True,
        trace_flags=TraceFlags(0),
        trace_state=TraceState([("vendor", "value")]),
    )
    httpserver.expect_request("/api/v1/tasks/t/trigger").respond_with_json(TRIGGERED)
    with trace.use_span(NonRecordingSpan(remote)):
        sync_client(httpserver.url_for("")).tasks.trigger("t", {})
    (headers,) = sent_headers(httpserver)
    version, trace_id, span_id, flags = headers["traceparent"].split("-")
    assert (version, trace_id, flags) == ("00", "4bf92f3577b34da6a3ce929d0e0e4736", "00")
    assert span_id != "00f067aa0ba902b7"  # a span of the client's, though not recorded
    assert headers["tracestate"] == "vendor=value"
    assert client_spans(spans) == []  # sampled out by the parent-based default sampler


def test_without_an_active_span_nothing_is_sent_and_no_span_made(
    httpserver: HTTPServer, spans: InMemorySpanExporter
) -> None:
    httpserver.expect_request("/api/v1/tasks/t/trigger").respond_with_json(TRIGGERED)
    sync_client(httpserver.url_for("")).tasks.trigger("t", {})
    (headers,) = sent_headers(httpserver)
    assert "traceparent" not in headers and "tracestate" not in headers
    assert spans.get_finished_spans() == ()


def test_tracing_can_be_turned_off_per_client_and_per_call(
    httpserver: HTTPServer, spans: InMemorySpanExporter
) -> None:
    httpserver.expect_request("/api/v1/tasks/t/trigger").respond_with_json(TRIGGERED)
    with tracer.start_as_current_span("outer"):
        sync_client(httpserver.url_for(""), tracing=False).tasks.trigger("t", {})
        sync_client(httpserver.url_for("")).tasks.trigger("t", {}, request_options={"tracing": False})
    assert all("traceparent" not in headers for headers in sent_headers(httpserver))
    assert client_spans(spans) == []
    with pytest.raises(trigger_dev.ArgumentTypeError, match=r"request_options\['tracing'\] must be bool"):
        sync_client(httpserver.url_for("")).tasks.trigger("t", {}, request_options={"tracing": "no"})  # type: ignore[arg-type]


def test_a_trace_context_the_caller_sets_is_not_replaced(
    httpserver: HTTPServer, spans: InMemorySpanExporter
) -> None:
    httpserver.expect_request("/api/v1/tasks/t/trigger").respond_with_json(TRIGGERED)
    own = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
    with tracer.start_as_current_span("outer"):
        sync_client(httpserver.url_for("")).tasks.trigger(
            "t", {}, request_options={"extra_headers": {"TraceParent": own}}
        )
    (headers,) = sent_headers(httpserver)
    assert headers["traceparent"] == own
    assert len(client_spans(spans)) == 1  # the call is still traced


# --- which routes: the spec's marks, and never the object store


def test_only_the_routes_the_spec_marks_get_the_trace_context(
    httpserver: HTTPServer, spans: InMemorySpanExporter
) -> None:
    marked = sorted(
        route.operation_id
        for route in vars(_operations).values()
        if isinstance(route, Route) and route.trace_context
    )
    assert marked == ["createBatch", "triggerTask"]
    httpserver.expect_request("/api/v3/runs/run_1").respond_with_json(retrieved_run("run_1"))
    httpserver.expect_request("/api/v1/runs/run_1/replay").respond_with_json({"id": "run_2"})
    client = sync_client(httpserver.url_for(""))
    with tracer.start_as_current_span("outer"):
        client.runs.retrieve("run_1")
        client.runs.replay("run_1")
    assert all("traceparent" not in headers for headers in sent_headers(httpserver))
    retrieve, replay = client_spans(spans)
    assert (retrieve.name, replay.name) == ("GET /api/v3/runs/{runId}", "POST /api/v1/runs/{runId}/replay")
    assert retrieve.attributes is not None and retrieve.attributes["trigger_dev.run.id"] == "run_1"
    assert replay.attributes is not None and replay.attributes["trigger_dev.call"] == "runs.replay"


def test_batch_trigger_sends_the_context_when_it_opens_the_batch_only(
    httpserver: HTTPServer, spans: InMemorySpanExporter
) -> None:
    httpserver.expect_request("/api/v3/batches", method="POST").respond_with_json(
        {"id": "batch_abc", "runCount": 2, "isCached": False}
    )
    httpserver.expect_request("/api/v3/batches/batch_abc/items", method="POST").respond_with_json(
        {"id": "batch_abc", "itemsAccepted": 2, "itemsDeduplicated": 0, "sealed": True}
    )
    client = sync_client(httpserver.url_for(""))
    with tracer.start_as_current_span("outer"):
        client.tasks.batch_trigger("t", [{"payload": {"n": 1}}, {"payload": {"n": 2}}])
    create, items = sent_headers(httpserver)
    create_span, items_span = client_spans(spans)
    assert create["traceparent"] == traceparent_of(create_span)
    assert "traceparent" not in items
    assert (
        create_span.attributes is not None and create_span.attributes["trigger_dev.batch.id"] == "batch_abc"
    )
    assert items_span.attributes is not None and items_span.attributes["trigger_dev.batch.id"] == "batch_abc"


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_trigger_many_traces_each_batch_from_the_callers_context(
    mode: str, spans: InMemorySpanExporter
) -> None:
    # The sync engine sends from worker threads: they run in the caller's context all the same.
    many = [{"task": "import-row", "payload": {"row": n}} for n in range(5)]
    with batch_server() as (url, state), tracer.start_as_current_span("import") as parent:
        if mode == "sync":
            with sync_client(url) as client:
                outcomes = list(client.batches.trigger_many(many, batch_size=2))  # type: ignore[arg-type]
        else:

            async def main() -> list[Any]:
                async with async_client(url) as client:
                    return [o async for o in client.batches.trigger_many(many, batch_size=2)]  # type: ignore[arg-type]

            outcomes = asyncio.run(main())
    assert len(outcomes) == 5 and state.runs_created == 5
    names = sorted(span.name for span in client_spans(spans))
    assert names == ["POST /api/v3/batches"] * 3 + ["POST /api/v3/batches/{batchId}/items"] * 3
    trace_id = parent.get_span_context().trace_id
    assert all(span.context is not None and span.context.trace_id == trace_id for span in client_spans(spans))


def test_the_object_store_gets_no_trace_context_and_its_signature_is_not_recorded(
    httpserver: HTTPServer, spans: InMemorySpanExporter
) -> None:
    store = HTTPServer(host="127.0.0.1", port=0)
    store.start()
    try:
        store.expect_request("/packets/out.json").respond_with_json({"total": 3})
        signed = store.url_for("/packets/out.json") + "?X-Amz-Signature=5ec2e7&X-Amz-Credential=AKIA"
        httpserver.expect_request("/api/v3/runs/run_1").respond_with_json(
            retrieved_run("run_1", outputPresignedUrl=signed)
        )
        with tracer.start_as_current_span("outer"):
            run = sync_client(httpserver.url_for("")).runs.retrieve("run_1")
        assert run.output == {"total": 3}
        ((request, _),) = store.log
        assert not [
            name for name, _ in request.headers.items() if name.lower() in ("traceparent", "tracestate")
        ]
    finally:
        store.clear()
        store.stop()
    api, download = client_spans(spans)
    assert api.name == "GET /api/v3/runs/{runId}"
    assert download.name == "GET"  # no route template: the object store is not the API
    assert download.attributes is not None
    assert download.attributes["url.full"] == f"http://127.0.0.1:{store.port}/packets/out.json"
    assert download.attributes["trigger_dev.call"] == "runs.retrieve (object storage)"
    assert "url.template" not in download.attributes
    recorded = json.dumps([dict(span.attributes or {}) for span in spans.get_finished_spans()])
    assert "Signature" not in recorded and "AKIA" not in recorded and SECRET_KEY not in recorded


def test_no_query_string_or_credential_reaches_an_attribute(
    httpserver: HTTPServer, spans: InMemorySpanExporter
) -> None:
    httpserver.expect_request("/api/v1/runs").respond_with_json(
        {"data": [], "pagination": {"next": None, "previous": None}}
    )
    base = httpserver.url_for("").replace("http://", "http://user:password@")
    with tracer.start_as_current_span("outer"):
        list(sync_client(base).runs.list(tag=["customer_42"]))
    (span,) = client_spans(spans)
    assert span.attributes is not None
    assert span.attributes["url.full"] == f"http://{httpserver.host}:{httpserver.port}/api/v1/runs"
    recorded = json.dumps(dict(span.attributes)) + json.dumps([dict(e.attributes or {}) for e in span.events])
    assert "customer_42" not in recorded and "password" not in recorded and SECRET_KEY not in recorded


# --- retries, rate-limit waits and errors


def test_retries_are_events_of_one_span_and_every_attempt_carries_its_context(
    httpserver: HTTPServer, spans: InMemorySpanExporter
) -> None:
    for status in (503, 502):
        httpserver.expect_ordered_request("/api/v1/tasks/t/trigger").respond_with_response(
            Response('{"error": "busy"}', status=status, content_type="application/json")
        )
    httpserver.expect_ordered_request("/api/v1/tasks/t/trigger").respond_with_json(TRIGGERED)
    waits = Waits()
    with tracer.start_as_current_span("outer"):
        sync_client(httpserver.url_for(""), waits=waits).tasks.trigger("t", {})
    (span,) = client_spans(spans)
    assert [(event.name, dict(event.attributes or {})) for event in span.events] == [
        (
            "trigger_dev.retry",
            {
                "trigger_dev.attempt": 1,
                "trigger_dev.retry.reason": "status 503",
                "trigger_dev.wait_seconds": waits[0],
            },
        ),
        (
            "trigger_dev.retry",
            {
                "trigger_dev.attempt": 2,
                "trigger_dev.retry.reason": "status 502",
                "trigger_dev.wait_seconds": waits[1],
            },
        ),
    ]
    assert span.attributes is not None
    assert span.attributes["http.request.resend_count"] == 2
    assert span.attributes["http.response.status_code"] == 200
    assert {headers["traceparent"] for headers in sent_headers(httpserver)} == {traceparent_of(span)}


def test_a_rate_limit_pause_is_an_event_of_the_call_it_holds_back(
    httpserver: HTTPServer, spans: InMemorySpanExporter
) -> None:
    httpserver.expect_ordered_request("/api/v3/runs/run_1").respond_with_response(
        Response(
            '{"error": "slow down"}',
            status=429,
            headers={"Retry-After": "30"},
            content_type="application/json",
        )
    )
    httpserver.expect_request("/api/v3/runs/run_1").respond_with_json(retrieved_run("run_1"))
    waits = Waits()
    client = sync_client(httpserver.url_for(""), waits=waits)
    with tracer.start_as_current_span("outer"):
        client.runs.retrieve("run_1")  # 429: waits 30 s (recorded), then succeeds
        client.runs.retrieve("run_1")  # held back: the pause has not passed (no time went by)
    first, second = client_spans(spans)
    (retry,) = first.events
    assert retry.name == "trigger_dev.retry" and retry.attributes is not None
    assert retry.attributes["trigger_dev.retry.reason"] == "status 429"
    assert retry.attributes["trigger_dev.wait_seconds"] == 30.0
    (held,) = second.events
    assert held.name == "trigger_dev.rate_limit_wait" and held.attributes is not None
    assert 0 < held.attributes["trigger_dev.wait_seconds"] <= 30.0  # type: ignore[operator]
    assert held.attributes["trigger_dev.wait_seconds"] == waits[1]


def test_an_error_answer_ends_the_span_as_an_error(
    httpserver: HTTPServer, spans: InMemorySpanExporter
) -> None:
    httpserver.expect_request("/api/v3/runs/run_missing").respond_with_response(
        Response('{"error": "Run not found"}', status=404, content_type="application/json")
    )
    with tracer.start_as_current_span("outer"), pytest.raises(trigger_dev.NotFoundError):
        sync_client(httpserver.url_for("")).runs.retrieve("run_missing")
    (span,) = client_spans(spans)
    assert span.attributes is not None
    assert (span.attributes["http.response.status_code"], span.attributes["error.type"]) == (404, "404")
    assert span.status.status_code is StatusCode.ERROR
    (exception,) = span.events
    assert exception.name == "exception" and exception.attributes is not None
    assert str(exception.attributes["exception.type"]).endswith("NotFoundError")


def test_a_connection_that_never_answers_ends_the_span_with_its_error_type(
    spans: InMemorySpanExporter,
) -> None:
    with fault_server(reset) as server, tracer.start_as_current_span("outer"):
        client = sync_client(server.url, retry={"max_attempts": 2, "min_delay": 0.001, "max_delay": 0.001})
        with pytest.raises(trigger_dev.ApiConnectionError):
            client.runs.retrieve("run_1")
    (span,) = client_spans(spans)
    assert span.attributes is not None
    assert span.attributes["error.type"] == "trigger_dev.ApiConnectionError"
    assert span.attributes["http.request.resend_count"] == 1
    assert "http.response.status_code" not in span.attributes
    assert [event.name for event in span.events] == ["trigger_dev.retry", "exception"]
    assert span.status.status_code is StatusCode.ERROR


# --- async


def test_async_calls_are_traced_the_same_way(httpserver: HTTPServer, spans: InMemorySpanExporter) -> None:
    httpserver.expect_ordered_request("/api/v1/tasks/t/trigger").respond_with_response(
        Response('{"error": "busy"}', status=503, content_type="application/json")
    )
    httpserver.expect_ordered_request("/api/v1/tasks/t/trigger").respond_with_json(TRIGGERED)
    httpserver.expect_request("/api/v3/runs/run_1234abcd").respond_with_json(retrieved_run("run_1234abcd"))

    async def main() -> None:
        async with async_client(httpserver.url_for(""), waits=AsyncWaits()) as client:
            with tracer.start_as_current_span("outer"):
                handle = await client.tasks.trigger("t", {})
                # Concurrent calls each get their own span under the caller's.
                await asyncio.gather(client.runs.retrieve(handle.id), client.runs.retrieve(handle.id))
            await client.runs.retrieve(handle.id)  # outside the span: untraced

    asyncio.run(main())
    trigger, *retrieves = client_spans(spans)
    (outer,) = [span for span in spans.get_finished_spans() if span.name == "outer"]
    assert outer.context is not None
    assert trigger.name == "POST /api/v1/tasks/{taskId}/trigger"
    assert [event.name for event in trigger.events] == ["trigger_dev.retry"]
    assert len(retrieves) == 2
    assert all(span.parent is not None and span.parent.span_id == outer.context.span_id for span in retrieves)
    headers = sent_headers(httpserver)
    assert headers[0]["traceparent"] == headers[1]["traceparent"] == traceparent_of(trigger)
    assert all("traceparent" not in h for h in headers[2:])


def test_an_async_call_cancelled_mid_request_ends_its_span(spans: InMemorySpanExporter) -> None:
    async def main(url: str) -> None:
        async with async_client(url) as client:
            with tracer.start_as_current_span("outer"), pytest.raises(asyncio.TimeoutError):
                await asyncio.wait_for(client.runs.retrieve("run_1"), 0.2)

    from tests.support.fault_server import stall

    with fault_server(stall(5)) as server:
        asyncio.run(main(server.url))
    (span,) = client_spans(spans)
    assert span.attributes is not None
    assert span.attributes["error.type"] == "asyncio.exceptions.CancelledError"


# --- output streams


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_opening_an_output_stream_is_a_span_that_ends_when_it_opens(
    mode: str, spans: InMemorySpanExporter
) -> None:
    with realtime_server() as server:
        server.streams[("run_1", "default")] = OutputStreamScript(
            "v1", entries=[("1767322800000-0", ['{"n": 0}']), ("1767322800001-0", ["done"])]
        )
        with tracer.start_as_current_span("outer"):
            if mode == "sync":
                with sync_client(server.base_url).runs.stream("run_1") as stream:
                    chunks = list(stream)
            else:

                async def main() -> list[Any]:
                    async with async_client(server.base_url) as client, client.runs.stream("run_1") as stream:
                        return [chunk async for chunk in stream]

                chunks = asyncio.run(main())
        stream_headers = [r.headers for r in server.requests if r.path.startswith("/realtime/v1/streams/")]
    assert chunks == [{"n": 0}, "done"]
    assert all("traceparent" not in {k.lower() for k in headers} for headers in stream_headers)
    (span,) = client_spans(spans)
    assert span.name.startswith("GET /realtime/v1/streams/{runId}/")
    assert span.attributes is not None
    assert span.attributes["http.response.status_code"] == 200
    assert span.attributes["trigger_dev.run.id"] == "run_1"
    assert span.attributes["trigger_dev.call"] == "runs.stream"  # the name its errors carry too


# --- without OpenTelemetry, and what stays as it was


def test_without_opentelemetry_nothing_of_it_is_imported(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api/v1/tasks/t/trigger").respond_with_json(TRIGGERED)
    httpserver.expect_request("/api/v3/runs/run_1").respond_with_json(retrieved_run("run_1"))
    script = textwrap.dedent(
        f"""
        import sys
        import trigger_dev

        client = trigger_dev.TriggerClient(secret_key="{SECRET_KEY}", base_url="{httpserver.url_for("")}")
        client.tasks.trigger("t", {{}})
        client.runs.retrieve("run_1")
        loaded = sorted(name for name in sys.modules if name.startswith(("opentelemetry", "trigger_dev._tracing")))
        print(loaded)
        """
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT / "generated")}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
    assert all("traceparent" not in headers for headers in sent_headers(httpserver))


def test_a_traced_calls_error_pickles_and_a_forked_child_traces_its_own_calls(
    httpserver: HTTPServer, spans: InMemorySpanExporter
) -> None:
    httpserver.expect_request("/api/v3/runs/run_missing").respond_with_response(
        Response('{"error": "Run not found"}', status=404, content_type="application/json")
    )
    httpserver.expect_request("/api/v1/tasks/t/trigger").respond_with_json(TRIGGERED)
    client = sync_client(httpserver.url_for(""))
    with tracer.start_as_current_span("outer"), pytest.raises(trigger_dev.NotFoundError) as caught:
        client.runs.retrieve("run_missing")
    copy = pickle.loads(pickle.dumps(caught.value))  # a process pool sends it back so
    assert str(copy) == str(caught.value) and copy.operation == "runs.retrieve"
    if not hasattr(os, "fork"):
        return
    reader, writer = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - the child reports through the pipe
        code = 1
        try:
            spans.clear()
            with tracer.start_as_current_span("in the child"):
                client.tasks.trigger("t", {})
            names = [span.name for span in client_spans(spans)]
            os.write(writer, json.dumps(names).encode())
            code = 0
        finally:
            os._exit(code)
    os.close(writer)
    with os.fdopen(reader) as pipe:
        reported = pipe.read()
    _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert json.loads(reported) == ["POST /api/v1/tasks/{taskId}/trigger"]
    assert [span.name for span in client_spans(spans)] == ["GET /api/v3/runs/{runId}"]  # the parent's alone


@pytest.mark.parametrize(
    ("url", "address", "port", "full"),
    [
        (
            "https://api.trigger.dev/api/v3/runs/run_1?x=1#f",
            "api.trigger.dev",
            443,
            "https://api.trigger.dev/api/v3/runs/run_1",
        ),
        ("http://me:secret@[::1]:8030/api/v3/runs/run_1", "::1", 8030, "http://[::1]:8030/api/v3/runs/run_1"),
        # A base URL with a path of its own (a self-hosted server behind a prefix).
        (
            "https://example.com/trigger/api/v3/runs/run_%2F1",
            "example.com",
            443,
            "https://example.com/trigger/api/v3/runs/run_%2F1",
        ),
    ],
)
def test_the_url_attributes_follow_the_conventions_without_secrets(
    url: str, address: str, port: int, full: str
) -> None:
    from trigger_dev._http.messages import Outgoing
    from trigger_dev._http.options import ResolvedOptions
    from trigger_dev._tracing.spans import _attributes
    from trigger_dev._wire.credentials import SecretHeaders

    route = _operations.RETRIEVE_RUN
    outgoing = Outgoing("runs.retrieve", "GET", url, SecretHeaders(), None, ResolvedOptions(), route)
    attributes = _attributes(outgoing)
    assert (attributes["server.address"], attributes["server.port"], attributes["url.full"]) == (
        address,
        port,
        full,
    )
    assert attributes["trigger_dev.run.id"] == ("run_/1" if "%2F" in url else "run_1")

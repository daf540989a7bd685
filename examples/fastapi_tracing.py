"""A FastAPI app instrumented with OpenTelemetry whose request trace continues into the runs
it triggers.

FastAPI's own OpenTelemetry support gives each request a server span, continuing the
caller's ``traceparent`` when an instrumented upstream service sends one; ``POST /orders``
triggers a task inside it. The client makes a client span for the trigger call and sends its
trace context to the server, which keeps it as the run's external trace context. Install
``trigger-dev[otel,async]`` and ``opentelemetry-sdk`` (or ``fastapi[standard]``, which
brings the SDK and an OTLP exporter).

``python examples/fastapi_tracing.py`` runs a demonstration: it posts an order in-process
with a ``traceparent`` header and prints the spans the in-memory exporter received. Against
your dev environment: ``TRIGGER_SECRET_KEY=tr_dev_... python examples/fastapi_tracing.py``,
or serve it with ``cd examples && uvicorn fastapi_tracing:app`` after setting up a tracer
provider and exporter of your own (``opentelemetry-instrument`` does that).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from opentelemetry import trace

import trigger_dev

clients: dict[str, trigger_dev.AsyncTriggerClient] = {}


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    async with trigger_dev.AsyncTriggerClient() as client:  # reads TRIGGER_SECRET_KEY
        clients["trigger"] = client
        yield


app = FastAPI(lifespan=lifespan)


@app.post("/orders")
async def create_order(order: dict[str, Any]) -> dict[str, Any]:
    # Inside the request's span: the trigger call is traced, and the run keeps the trace.
    handle = await clients["trigger"].tasks.trigger("process-order", order)
    return {"runId": handle.id}


def demonstrate() -> None:
    """Post an order as an upstream service would, then show the spans it made."""
    from fastapi.testclient import TestClient
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    exporter = InMemorySpanExporter()  # in production: an OTLP exporter, batched
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    trace.set_tracer_provider(provider)

    upstream = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
    with TestClient(app) as browser:
        answer = browser.post("/orders", json={"orderId": "order_42"}, headers={"traceparent": upstream})
    print(f"status {answer.status_code}: {answer.json()}")
    print(f"upstream trace: {upstream.split('-')[1]}")
    for span in sorted(exporter.get_finished_spans(), key=lambda s: s.start_time or 0):
        if span.kind not in (trace.SpanKind.SERVER, trace.SpanKind.CLIENT):
            continue  # FastAPI's spans for dependencies, the endpoint, serialization
        context = span.get_span_context()
        assert context is not None
        attributes = dict(span.attributes or {})
        ids = {k: v for k, v in attributes.items() if k.startswith("trigger_dev.") and k.endswith(".id")}
        print(f"{span.kind.name.lower()} span {span.name!r} in trace {context.trace_id:032x} {ids}")


if __name__ == "__main__":
    demonstrate()

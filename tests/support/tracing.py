"""The process's OpenTelemetry SDK for tests: one tracer provider (OpenTelemetry allows one
per process, set once) and an in-memory exporter that every test reading spans shares."""

from __future__ import annotations

from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

_EXPORTER = InMemorySpanExporter()
_INSTALLED: list[TracerProvider] = []


def memory_exporter() -> InMemorySpanExporter:
    """The exporter of the process's tracer provider, installed on first use (emptied by the
    caller between tests)."""
    if not _INSTALLED:
        provider = trace.get_tracer_provider()
        if not isinstance(provider, TracerProvider):
            provider = TracerProvider()
            trace.set_tracer_provider(provider)
        provider.add_span_processor(SimpleSpanProcessor(_EXPORTER))
        _INSTALLED.append(provider)
    return _EXPORTER

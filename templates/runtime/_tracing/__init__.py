# Runtime source of trigger_dev: codegen.py copies it into generated/trigger_dev/ unchanged.
"""OpenTelemetry for the calls the client sends: a client span per request (all its attempts)
following the HTTP client semantic conventions, retries and rate-limit waits as its events,
and the caller's W3C trace context sent on the routes whose spec marks them
(``x-trace-context``), so a backend's trace continues into the runs it triggers.

Only used when the application has imported ``opentelemetry`` itself: the call pipeline
looks the module up in ``sys.modules`` and imports `spans` only then, so an application
without it imports and runs nothing of this.

May import: `_http`, `_wire`, the leaves (`_exceptions`, `_json`, `_version`), its own
modules, and ``opentelemetry`` (the API only, never the SDK).
"""

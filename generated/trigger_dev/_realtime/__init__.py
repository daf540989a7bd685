# Copied by codegen.py from templates/runtime/_realtime/__init__.py (sha256 e1b17406f405be10); edit that file, not this one.
"""Watching runs: the realtime shape protocol (`shapes`, no I/O) and the run subscriptions
built on it (`subscriptions`), task output streams (`output_streams`) over server-sent
events (`sse`, no I/O), and polling a run until it finishes (`watching`, the hand-written
half of the `runs` namespace); `closing` gives the readers ``with`` and ``async with``.

May import: `_payloads`, `_http`, `_wire`, `_exceptions`, `_constants`, `_logging`,
the generated `_operations`, `_spec` and `models`, and its own modules; the client core
only for type checking.
"""

# Runtime source of trigger_dev: codegen.py copies it into generated/trigger_dev/ unchanged.
"""Webhooks Trigger.dev sends to you: verifying an alert channel's signed body and reading it
as a typed event (`alerts`, no I/O), the hand-written half of the `webhooks` namespace.

May import: the leaves (`_exceptions`, `_json`, `_constants`, `_logging`, `_spec`) and the
generated `models`, and its own modules; nothing that sends a request.
"""

# Copied by codegen.py from templates/runtime/_webhooks/__init__.py (sha256 4a15848b3464db67); edit that file, not this one.
"""Webhooks Trigger.dev sends to you: verifying an alert channel's signed body and reading it
as a typed event (`alerts`, no I/O), the hand-written half of the `webhooks` namespace.

May import: the leaves (`_exceptions`, `_json`, `_constants`, `_logging`, `_spec`) and the
generated `models`, and its own modules; nothing that sends a request.
"""

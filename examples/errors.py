"""Errors: typed API errors, credential mismatches and bad input caught before sending."""

from __future__ import annotations

import trigger_dev

client = trigger_dev.TriggerClient(request_options={"retry": {"max_attempts": 1}})

try:
    client.schedules.retrieve("sched_missing", request_options={"extra_headers": {"Prefer": "code=404"}})
except trigger_dev.NotFoundError as error:
    print(f"{type(error).__name__}: status {error.status}, message {error.message!r}")

try:
    client.runs.list(limit=500)
except ValueError as error:
    print(f"refused before sending: {error}")

pat_client = trigger_dev.TriggerClient(access_token="tr_pat_exampleToken")
try:
    pat_client.runs.retrieve("run_1234abcd")
except trigger_dev.AuthMethodError as error:
    print(f"AuthMethodError: {error}")

try:
    client.tasks.trigger("t", options={"idempotencyKey": "x"})  # type: ignore[typeddict-unknown-key]
except TypeError as error:
    print(f"typo caught: {error}")

"""Retries: client-wide policy, a per-call override, and what a retried call looks like.

`TRIGGER_LOG=info python examples/retries.py` shows each retry as it happens.
"""

from __future__ import annotations

import trigger_dev

client = trigger_dev.TriggerClient(
    request_options={"retry": {"max_attempts": 3, "min_delay": 0.1, "factor": 2}}
)

try:
    # The mock answers with the spec's 500 example when asked to; the client tries 3 times,
    # waiting 0.1 s and then 0.2 s, all with the same x-trigger-request-idempotency-key.
    client.runs.cancel("run_1234abcd", request_options={"extra_headers": {"Prefer": "code=500"}})
except trigger_dev.InternalServerError as error:
    print(f"gave up after 3 attempts: {error}")

# Retries off for one call: the first failure is raised as it is.
try:
    client.runs.cancel(
        "run_1234abcd",
        request_options={"retry": {"max_attempts": 1}, "extra_headers": {"Prefer": "code=500"}},
    )
except trigger_dev.InternalServerError as error:
    print(f"no retry: {type(error).__name__} {error.status}")

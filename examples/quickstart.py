"""A tour of the client: trigger, batch trigger, list with auto-pagination, retrieve, a raw
response and an error.

Runs against whatever TRIGGER_API_URL points at; `make demo` starts the local mock server
(Prism serving openapi/trigger.yaml) and points it there, so no account is needed.
"""

from __future__ import annotations

import os

import trigger_dev

# Under `make demo` the mock accepts any bearer token; against the real service use your
# environment's secret key (TRIGGER_SECRET_KEY) instead.
trigger_dev.configure(
    secret_key=os.environ.get("TRIGGER_SECRET_KEY", "tr_dev_demoKey"),
    request_options={"retry": {"max_attempts": 2, "min_delay": 0.2}},
)


def show(title: str, value: object) -> None:
    print(f"\n== {title}\n{value}")


handle = trigger_dev.tasks.trigger(
    "send-welcome-email",
    {"userId": "user_5678"},
    options={"idempotency_key": "welcome-user_5678", "tags": ["onboarding"], "ttl": "1h"},
)
show("tasks.trigger", f"run {handle.id} (cached: {handle.is_cached})")

batch = trigger_dev.tasks.batch_trigger(
    "send-welcome-email",
    [{"payload": {"userId": "user_1"}}, {"payload": {"userId": "user_2"}, "options": {"delay": "5m"}}],
    options={"idempotency_key": "signup-batch-42"},
)
show("tasks.batch_trigger", f"batch {batch.id} with {batch.run_count} runs")

page = trigger_dev.runs.list(limit=10, status=["COMPLETED", "FAILED"])
show("runs.list (first page)", f"{len(page.data)} runs, more pages: {page.has_next_page()}")
for number, each_page in enumerate(page.iter_pages(), start=1):
    print(f"page {number}: {[run.id for run in each_page.data]}")
ids = [run.id for run in trigger_dev.runs.list(limit=10)]
show("runs.list (every item, pages fetched as needed)", ids)
# The mock serves its one example page for every cursor; the client stops when the server
# hands back the cursor it was just given, so even a misbehaving server cannot loop it.

run = trigger_dev.runs.retrieve(handle.id)
show("runs.retrieve", f"{run.id}: {run.status} ({run.task_identifier}, {run.duration_ms} ms)")

raw = trigger_dev.runs.with_raw_response.retrieve(handle.id)
show("with_raw_response", f"HTTP {raw.status_code}, content-type {raw.headers.get('content-type')}")
show("raw.parse()", repr(raw.parse().status))

try:
    # The mock answers with the 404 the spec documents when asked to through Prefer.
    trigger_dev.runs.retrieve(
        "run_doesnotexist",
        request_options={"extra_headers": {"Prefer": "code=404"}, "retry": {"max_attempts": 1}},
    )
except trigger_dev.NotFoundError as error:
    show("an error", f"{type(error).__name__}: status {error.status}, message {error.message!r}")

try:
    trigger_dev.runs.list(project_ref="proj_abcdefghijklmnop")
except trigger_dev.AuthMethodError as error:
    show("a credential mismatch, caught before sending", error)

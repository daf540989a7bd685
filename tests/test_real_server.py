"""Every operation the real Trigger.dev webapp serves, end to end, sync and async.

Recorded by ``make record-real`` against the webapp that ``make real-server`` builds from the
upstream source (tools/real_server, docs/real-server.md) into ``tests/cassettes/real/``; each
recorded response carries an ``x-trigger-server`` header naming the release it came from.
Everywhere else these tests replay those cassettes. Unlike tests/test_operations.py (recorded
against the Prism mock, which answers the spec's examples), the ids here are the server's own:
each test creates what it reads, and leaves the server as it found it where it can, so that it
can be recorded again against the same server.

Every request is deterministic (no clock, no random value in a body or a path), since replaying
matches method, path, query and body. With ``--live`` (the Prism mock) these tests are deselected.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import json
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

import pytest
from opentelemetry import trace
from opentelemetry.trace import NonRecordingSpan, SpanContext, SpanKind, TraceFlags

import trigger_dev
from tests.conftest import REAL_SERVER
from tests.support.cassette_filters import scrub_response
from tests.support.clients import async_client, sync_client
from tests.support.tracing import memory_exporter
from trigger_dev import TriggerClient
from trigger_dev.models import RunStatus, WaitpointTokenStatus
from trigger_dev.types import BatchTaskItem

pytestmark = pytest.mark.vcr

T = TypeVar("T")
UTC = datetime.timezone.utc
PROJECT_REF = "proj_rrkpdguyagvsoktglnod"  # the upstream seed's hello-world project (a fixed ref)
TASK = "send-welcome-email"  # the tasks the lane's dev worker declares
SCHEDULED_TASK = "daily-report"
POLLS = 60  # bounded waits for what the server does in the background
POLL_EVERY = 0.5


@pytest.fixture(scope="module")
def vcr_cassette_dir() -> str:
    return str(Path(__file__).resolve().parent / "cassettes" / "real")


@pytest.fixture(scope="module")
def vcr_config(vcr_config: dict[str, Any]) -> dict[str, Any]:
    version = str((REAL_SERVER or {}).get("server_version", "unknown"))

    def stamp(response: dict[str, Any]) -> dict[str, Any]:
        response = scrub_response(response)
        response.setdefault("headers", {})["x-trigger-server"] = [version]
        return response

    return {**vcr_config, "before_record_response": stamp}


@pytest.fixture(autouse=True)
def _real_server_or_its_cassettes(request: pytest.FixtureRequest, vcr_cassette_dir: str) -> None:
    if REAL_SERVER is not None:
        return
    if not (Path(vcr_cassette_dir) / f"{request.node.name}.yaml").exists():
        pytest.fail(
            f"no cassette from the real server for {request.node.name}: record it with "
            "make real-server, then make record-real (docs/real-server.md)"
        )


@pytest.fixture
def prod_client(api_url: str) -> Iterator[TriggerClient]:
    # The prod environment of the same project, where deployments would be: the lane deploys
    # nothing, so it has none.
    key = (REAL_SERVER or {}).get("prod_secret_key", "tr_prod_fakeKey")
    with sync_client(api_url, secret_key=key, attempts=1) as client:
        yield client


def poll(what: str, read: Callable[[], T], done: Callable[[T], bool]) -> T:
    """Reads until done, a bounded number of times (the server works in the background).
    Replaying a cassette makes the same reads: each repeated request gets the next answer."""
    value = read()
    for _ in range(POLLS):
        if done(value):
            return value
        if REAL_SERVER is not None:  # replaying needs no wait
            time.sleep(POLL_EVERY)
        value = read()
    raise AssertionError(f"{what}: not done after {POLLS} reads; last: {value!r}")


# --- tasks and runs


def test_trigger_retrieve_tag_metadata_reschedule_replay_cancel(sk_client: TriggerClient) -> None:
    triggered = sk_client.tasks.trigger(
        TASK,
        {"userId": "user_real_1", "plan": "pro"},
        options={
            "tags": ["real-lane", "user_real_1"],
            "concurrency_key": "user_real_1",
            "delay": "1h",
            "ttl": "2h",
            "max_attempts": 3,
            "machine": "small-1x",
            "metadata": {"source": "signup"},
        },
    )
    assert triggered.id.startswith("run_") and triggered.is_cached is False

    run = sk_client.runs.retrieve(triggered.id)
    assert run.id == triggered.id
    assert run.task_identifier == TASK
    assert run.status == RunStatus.DELAYED
    assert run.payload == {"userId": "user_real_1", "plan": "pro"}
    assert sorted(run.tags) == ["real-lane", "user_real_1"]

    assert sk_client.runs.add_tags(triggered.id, ["vip"]).message.startswith("Successfully")
    updated = sk_client.runs.update_metadata(
        triggered.id,
        operations=[
            {"type": "set", "key": "step", "value": "resize"},
            {"type": "increment", "key": "done", "value": 1},
        ],
    )
    assert updated.metadata == {"source": "signup", "step": "resize", "done": 1}
    assert sk_client.runs.retrieve_metadata(triggered.id).metadata == updated.metadata

    rescheduled = sk_client.runs.reschedule(triggered.id, delay=datetime.timedelta(hours=2))
    assert rescheduled.id == triggered.id
    assert rescheduled.status == RunStatus.DELAYED and rescheduled.delayed_until is not None

    replayed = sk_client.runs.replay(triggered.id)
    assert replayed.id.startswith("run_") and replayed.id != triggered.id

    for run_id in (triggered.id, replayed.id):
        assert sk_client.runs.cancel(run_id).id == run_id
    cancelled = sk_client.runs.retrieve(triggered.id)
    assert cancelled.status == RunStatus.CANCELED


def test_trigger_with_no_payload_or_options_stays_queued(sk_client: TriggerClient) -> None:
    # The dev worker is registered but nothing executes: the run waits in its queue.
    triggered = sk_client.tasks.trigger("nightly-sync")
    run = sk_client.runs.retrieve(triggered.id)
    assert run.status in (RunStatus.QUEUED, RunStatus.PENDING_VERSION, "QUEUED")
    sk_client.runs.cancel(triggered.id)


def test_an_idempotent_trigger_returns_the_cached_run_until_its_key_is_reset(
    sk_client: TriggerClient,
) -> None:
    key = "real-lane-welcome-user_real_2"
    with contextlib.suppress(trigger_dev.NotFoundError):  # nothing to reset on a fresh server
        sk_client.idempotency_keys.reset(TASK, key)
    first = sk_client.tasks.trigger(TASK, {"userId": "user_real_2"}, options={"idempotency_key": key})
    again = sk_client.tasks.trigger(TASK, {"userId": "user_real_2"}, options={"idempotency_key": key})
    assert (again.id, again.is_cached) == (first.id, True)
    assert sk_client.idempotency_keys.reset(TASK, key).id
    fresh = sk_client.tasks.trigger(TASK, {"userId": "user_real_2"}, options={"idempotency_key": key})
    assert fresh.id != first.id and fresh.is_cached is False
    for run_id in (first.id, fresh.id):
        sk_client.runs.cancel(run_id)


# The caller's trace, as an instrumented web framework hands it over: a sampled remote span.
CALLER_TRACE_ID = 0x4BF92F3577B34DA6A3CE929D0E0E4736
CALLER = SpanContext(
    trace_id=CALLER_TRACE_ID, span_id=0x00F067AA0BA902B7, is_remote=True, trace_flags=TraceFlags(1)
)


def _stored_external_traceparent(run_id: str) -> str:
    """The external trace context the server stored with a run, read from its database: no API
    route returns it (the dashboard's span view shows its trace id)."""
    stored = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-p", "55432", "-U", "postgres", "-d", "trigger", "-tAq", "-c",
         f"""SELECT "traceContext" FROM "TaskRun" WHERE "friendlyId" = '{run_id}'"""],
        capture_output=True, text=True, timeout=30, check=True,
    ).stdout  # fmt: skip
    return str(json.loads(stored)["external"]["traceparent"])


def test_a_run_triggered_inside_a_span_keeps_the_callers_trace(
    sk_client: TriggerClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    spans = memory_exporter()
    spans.clear()
    sent: dict[str, str | None] = {}  # path -> the traceparent the client sent there
    transport = sk_client._client._transport
    send = transport.send

    def recording(outgoing: Any) -> Any:
        sent[urlsplit(outgoing.url).path] = outgoing.headers.get("traceparent")
        return send(outgoing)

    monkeypatch.setattr(transport, "send", recording)
    with trace.use_span(NonRecordingSpan(CALLER)):
        triggered = sk_client.tasks.trigger(
            TASK, {"userId": "user_real_traced"}, options={"delay": "1h", "tags": ["real-lane-traced"]}
        )
        batch = sk_client.tasks.batch_trigger(
            TASK, [{"payload": {"userId": "user_b3"}, "options": {"delay": "1h"}}]
        )
    trigger_span, create_span, _items_span = [
        s for s in spans.get_finished_spans() if s.kind is SpanKind.CLIENT
    ]
    assert trigger_span.context is not None and trigger_span.context.trace_id == CALLER_TRACE_ID
    assert (
        trigger_span.attributes is not None and trigger_span.attributes["trigger_dev.run.id"] == triggered.id
    )
    assert create_span.attributes is not None and create_span.attributes["trigger_dev.batch.id"] == batch.id

    # The caller's trace id under the client's span, on the trigger and on the batch's
    # creation (the recording holds what the server answered to those).
    trace_id = f"{CALLER_TRACE_ID:032x}"
    assert sent[f"/api/v1/tasks/{TASK}/trigger"] == f"00-{trace_id}-{trigger_span.context.span_id:016x}-01"
    assert str(sent["/api/v3/batches"]).split("-")[1] == trace_id
    assert sent[f"/api/v3/batches/{batch.id}/items"] is None
    done = poll("batch runs", lambda: sk_client.batches.retrieve(batch.id), lambda b: len(b.runs) == 1)

    if REAL_SERVER is not None:  # what the server stored, from its database
        stored = _stored_external_traceparent(triggered.id).split("-")
        assert stored[1] == trace_id
        assert trigger_span.context.span_id == int(stored[2], 16)  # the client span is the parent
        (batch_run,) = done.runs
        assert _stored_external_traceparent(batch_run).split("-")[1] == trace_id
    for run_id in (triggered.id, *done.runs):
        sk_client.runs.cancel(run_id)


def test_a_large_payload_goes_through_the_object_store(
    sk_client: TriggerClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The client uploads payloads of 128 KiB or more to a presigned URL first; the storage key
    # has a time and a random part, fixed here so that the recording can be replayed.
    monkeypatch.setattr(
        trigger_dev._payloads.packets, "_filename", lambda task: f"trigger/{task}/real-lane/payload.json"
    )
    payload = {"rows": ["x" * 1000] * 135}  # about 136 KB: just over the client's 128 KiB
    triggered = sk_client.tasks.trigger(TASK, payload, options={"delay": "1h", "tags": ["real-lane-large"]})
    run = sk_client.runs.retrieve(triggered.id)
    assert run.payload == payload  # downloaded back from the store through the presigned URL
    sk_client.runs.cancel(triggered.id)


# --- batches


def test_batch_trigger_then_retrieve(sk_client: TriggerClient) -> None:
    batch = sk_client.tasks.batch_trigger(
        TASK,
        [
            {"payload": {"userId": "user_b1"}, "options": {"delay": "1h"}},
            {"payload": {"userId": "user_b2"}, "options": {"tags": ["vip"], "delay": "1h"}},
        ],
    )
    assert batch.id.startswith("batch_") and batch.run_count == 2
    done = poll("batch runs", lambda: sk_client.batches.retrieve(batch.id), lambda b: len(b.runs) == 2)
    assert all(run_id.startswith("run_") for run_id in done.runs)
    for run_id in done.runs:
        sk_client.runs.cancel(run_id)


def test_trigger_many_resolves_every_run(sk_client: TriggerClient) -> None:
    items: list[BatchTaskItem] = [
        {"task": TASK, "payload": {"n": n}, "options": {"delay": "1h"}} for n in range(3)
    ]
    outcomes = list(sk_client.batches.trigger_many(items, resolve_runs=True, max_in_flight=1))
    assert [o.index for o in outcomes] == [0, 1, 2]
    assert all(o.ok and o.run_id and o.run_id.startswith("run_") for o in outcomes), outcomes
    assert len({o.run_id for o in outcomes}) == 3
    for outcome in outcomes:
        assert sk_client.runs.retrieve(str(outcome.run_id)).payload == {"n": outcome.index}
        sk_client.runs.cancel(str(outcome.run_id))


# --- listing runs (ClickHouse, by runs replication)


def test_list_runs_with_filters_and_cursors(sk_client: TriggerClient) -> None:
    tag = "real-lane-list"
    ids = [
        sk_client.tasks.trigger(TASK, {"n": n}, options={"tags": [tag], "delay": "1h"}).id for n in range(3)
    ]
    page = poll(
        "replicated runs",
        lambda: sk_client.runs.list(tag=[tag], task_identifier=[TASK], limit=100),
        lambda p: set(ids) <= {r.id for r in p.data},
    )
    assert all(run.status == RunStatus.DELAYED for run in page.data if run.id in ids)
    first = sk_client.runs.list(tag=[tag], limit=1)
    assert len(first.data) == 1 and first.has_next_page()
    second = first.get_next_page()
    assert len(second.data) == 1 and second.data[0].id != first.data[0].id
    assert second.has_previous_page()
    for run_id in ids:
        sk_client.runs.cancel(run_id)


def test_list_runs_with_a_personal_access_token(pat_client: TriggerClient) -> None:
    page = pat_client.runs.list(project_ref=PROJECT_REF, env="dev", limit=5)
    assert isinstance(page, trigger_dev.CursorPage)
    assert all(run.id.startswith("run_") for run in page.data)


def test_query(sk_client: TriggerClient) -> None:
    result = sk_client.query.execute("SELECT run_id, status FROM runs LIMIT 5", period="7d")
    assert isinstance(result.results, list)
    assert all(set(row) == {"run_id", "status"} for row in result.results)


# --- environment variables: every credential kind the routes take


@pytest.fixture(params=["secret_key", "personal_access_token", "organization_access_token"])
def envvars_client(
    request: pytest.FixtureRequest,
    sk_client: TriggerClient,
    pat_client: TriggerClient,
    oat_client: TriggerClient,
) -> TriggerClient:
    return {
        "secret_key": sk_client,
        "personal_access_token": pat_client,
        "organization_access_token": oat_client,
    }[request.param]


def test_env_vars_create_retrieve_update_list_delete(
    envvars_client: TriggerClient, request: pytest.FixtureRequest
) -> None:
    name = f"REAL_LANE_{request.node.callspec.id.upper()}"
    with pytest.raises(trigger_dev.NotFoundError):  # leaves nothing behind: absent before
        envvars_client.envvars.retrieve(PROJECT_REF, "dev", name)
    assert envvars_client.envvars.create(PROJECT_REF, "dev", name=name, value="debug").success
    variable = envvars_client.envvars.retrieve(PROJECT_REF, "dev", name)
    assert (variable.name, variable.value) == (name, "debug")
    assert envvars_client.envvars.update(PROJECT_REF, "dev", name, value="warn").success
    listed = {v.name: v.value for v in envvars_client.envvars.list(PROJECT_REF, "dev")}
    assert listed[name] == "warn"
    assert envvars_client.envvars.upload(PROJECT_REF, "dev", variables={name: "info"}, override=True).success
    assert envvars_client.envvars.retrieve(PROJECT_REF, "dev", name).value == "info"
    assert envvars_client.envvars.delete(PROJECT_REF, "dev", name).success


# --- schedules (need a task whose trigger source is "schedule": the lane's dev worker has one)


def test_schedules_lifecycle(sk_client: TriggerClient) -> None:
    created = sk_client.schedules.create(
        task=SCHEDULED_TASK,
        cron="0 9 * * *",
        deduplication_key="real-lane-report",
        external_id="real-lane",
        timezone="Europe/London",
    )
    assert created.id.startswith("sched_") and created.generator.expression == "0 9 * * *"
    assert sk_client.schedules.retrieve(created.id).task == SCHEDULED_TASK
    updated = sk_client.schedules.update(created.id, task=SCHEDULED_TASK, cron="30 8 * * 1-5")
    assert updated.generator.expression == "30 8 * * 1-5"
    assert sk_client.schedules.deactivate(created.id).active is False
    assert sk_client.schedules.activate(created.id).active is True
    page = sk_client.schedules.list(page=1, per_page=20)
    assert isinstance(page, trigger_dev.OffsetPage)
    assert created.id in [s.id for s in page.data]
    assert sk_client.schedules.delete(created.id).id == created.id
    with pytest.raises(trigger_dev.NotFoundError):
        sk_client.schedules.retrieve(created.id)


def test_updating_an_unknown_schedule_creates_a_new_one(sk_client: TriggerClient) -> None:
    # The server's update is an upsert: an unknown id gets a new schedule with a fresh id, no
    # 404 (apps/webapp/app/v3/services/upsertTaskSchedule.server.ts), as openapi/trigger.yaml says.
    created = sk_client.schedules.update("sched_doesnotexist0000", task=SCHEDULED_TASK, cron="15 7 * * *")
    assert created.id.startswith("sched_") and created.id != "sched_doesnotexist0000"
    assert created.generator.expression == "15 7 * * *"
    assert sk_client.schedules.delete(created.id).id == created.id


def test_timezones_need_no_credential(api_url: str) -> None:
    with TriggerClient(base_url=api_url, request_options={"retry": {"max_attempts": 1}}) as client:
        assert "Europe/London" in client.schedules.timezones(exclude_utc=True).timezones


# --- queues


def test_queues(sk_client: TriggerClient) -> None:
    page = sk_client.queues.list(page=1, per_page=25)
    names = [queue.name for queue in page.data]
    assert f"task/{TASK}" in names or TASK in names, names
    queue = sk_client.queues.retrieve(TASK, type="task")
    assert sk_client.queues.pause(TASK, type="task").paused is True
    assert sk_client.queues.resume(queue.id).paused is False
    overridden = sk_client.queues.override_concurrency_limit(queue.id, concurrency_limit=1)
    assert overridden.concurrency is not None and overridden.concurrency.override == 1
    reset = sk_client.queues.reset_concurrency_limit(queue.id)
    assert reset.concurrency is not None and reset.concurrency.override is None


# --- waitpoint tokens


def test_waitpoint_tokens(sk_client: TriggerClient) -> None:
    token = sk_client.waitpoints.create_token(timeout=datetime.timedelta(days=1), tags=["real-lane-approval"])
    assert token.id.startswith("waitpoint_") and token.is_cached is False
    assert token.url and token.public_access_token
    assert sk_client.waitpoints.retrieve_token(token.id).status == WaitpointTokenStatus.WAITING
    assert sk_client.waitpoints.complete_token(token.id, {"approved": True}).success
    done = sk_client.waitpoints.retrieve_token(token.id)
    assert done.status == WaitpointTokenStatus.COMPLETED
    assert done.output == {"approved": True} and done.output_is_error is False
    page = sk_client.waitpoints.list_tokens(limit=10, tags=["real-lane-approval"])
    assert token.id in [t.id for t in page.data]


# --- deployments (the lane deploys nothing: lists are empty, there is no current one)


def test_deployments(prod_client: TriggerClient) -> None:
    page = prod_client.deployments.list(limit=10)
    assert page.data == []
    with pytest.raises(trigger_dev.NotFoundError):
        prod_client.deployments.retrieve_current()


# --- bulk actions


def test_bulk_actions(sk_client: TriggerClient) -> None:
    ids = [
        sk_client.tasks.trigger("import-csv", {"n": n}, options={"tags": ["real-lane-bulk"]}).id
        for n in range(2)
    ]
    created = sk_client.bulk_actions.create(
        "cancel",
        name="Cancel real-lane imports",
        filter={"task_identifier": ["import-csv"], "tag": ["real-lane-bulk"]},
    )
    assert created.id.startswith("bulk_")
    action = sk_client.bulk_actions.retrieve(created.id)
    assert action.id == created.id
    assert created.id in [a.id for a in sk_client.bulk_actions.list(limit=20).data]
    with contextlib.suppress(trigger_dev.BadRequestError):  # the server aborts only a pending action
        assert sk_client.bulk_actions.abort(created.id).id == created.id
    for run_id in ids:
        sk_client.runs.cancel(run_id)


# --- public access tokens: claims from the server, signed by the client with the secret key


def test_public_tokens(sk_client: TriggerClient) -> None:
    token = sk_client.auth.create_public_token(scopes={"read": {"runs": True}}, expiration="1h")
    assert token.count(".") == 2
    one_use = sk_client.auth.create_trigger_public_token(TASK)
    assert one_use.count(".") == 2 and one_use != token


# --- errors as the server sends them


def test_an_unknown_run_is_a_typed_not_found(sk_client: TriggerClient) -> None:
    with pytest.raises(trigger_dev.NotFoundError) as caught:
        sk_client.runs.retrieve("run_doesnotexist0000")
    assert caught.value.status == 404


def test_an_unknown_waitpoint_token_is_a_server_error(sk_client: TriggerClient) -> None:
    # No 404 here: the route looks nothing up first and the presenter's "Waitpoint not found"
    # leaves the loader as a 500 (routes/api.v1.waitpoints.tokens.$waitpointFriendlyId.ts,
    # presenters/v3/ApiWaitpointPresenter.server.ts); openapi/trigger.yaml lists no 404 either.
    with pytest.raises(trigger_dev.InternalServerError) as caught:
        sk_client.waitpoints.retrieve_token("waitpoint_doesnotexist0000")
    assert caught.value.status == 500


def test_a_wrong_key_is_unauthorized(api_url: str) -> None:
    with (
        sync_client(api_url, secret_key="tr_dev_FAKE-not-a-key-of-this-server", attempts=1) as client,
        pytest.raises(trigger_dev.AuthenticationError) as caught,
    ):
        client.runs.retrieve("run_doesnotexist0000")
    assert caught.value.status == 401


# --- the async client


def test_async_client_end_to_end(api_url: str) -> None:
    keys = {"secret_key": REAL_SERVER["secret_key"]} if REAL_SERVER else {}

    async def flow() -> None:
        async with async_client(api_url, attempts=1, **keys) as client:
            triggered = await client.tasks.trigger(TASK, {"userId": "user_async"}, options={"delay": "1h"})
            run = await client.runs.retrieve(triggered.id)
            assert run.payload == {"userId": "user_async"}
            assert (await client.runs.add_tags(triggered.id, ["async"])).message.startswith("Successfully")
            items: list[BatchTaskItem] = [
                {"task": TASK, "payload": {"n": n}, "options": {"delay": "1h"}} for n in range(2)
            ]
            outcomes = [
                o async for o in client.batches.trigger_many(items, resolve_runs=True, max_in_flight=1)
            ]
            assert all(o.ok and o.run_id for o in outcomes), outcomes
            for run_id in [triggered.id, *(str(o.run_id) for o in outcomes)]:
                assert (await client.runs.cancel(run_id)).id == run_id
            timezones = await client.schedules.timezones()
            assert "UTC" in timezones.timezones

    asyncio.run(flow())


def test_async_client_lists_and_lifecycles(api_url: str) -> None:
    keys = {"secret_key": REAL_SERVER["secret_key"]} if REAL_SERVER else {}
    tag = "real-lane-async-list"

    async def flow() -> None:
        async with async_client(api_url, attempts=1, **keys) as client:
            ids = [
                (await client.tasks.trigger(TASK, {"n": n}, options={"tags": [tag], "delay": "1h"})).id
                for n in range(2)
            ]
            for _ in range(POLLS):  # runs reach the listing through replication
                page = await client.runs.list(tag=[tag], limit=10)
                if set(ids) <= {run.id for run in page.data}:
                    break
                if REAL_SERVER is not None:
                    await asyncio.sleep(POLL_EVERY)
            else:
                raise AssertionError("the async client never listed the runs it triggered")
            for run_id in ids:
                await client.runs.cancel(run_id)

            schedule = await client.schedules.create(
                task=SCHEDULED_TASK, cron="0 6 * * *", deduplication_key="real-lane-async"
            )
            assert (await client.schedules.retrieve(schedule.id)).id == schedule.id
            assert (await client.schedules.delete(schedule.id)).id == schedule.id

            token = await client.waitpoints.create_token(tags=["real-lane-async"])
            assert (await client.waitpoints.complete_token(token.id, {"ok": 1})).success
            assert (await client.waitpoints.retrieve_token(token.id)).output == {"ok": 1}

            queue = await client.queues.retrieve(TASK, type="task")
            assert queue.name.endswith(TASK)
            result = await client.query.execute("SELECT run_id FROM runs LIMIT 1", period="1d")
            assert isinstance(result.results, list)
            assert isinstance(await client.envvars.list(PROJECT_REF, "dev"), list)
            assert isinstance((await client.bulk_actions.list(limit=5)).data, list)

    asyncio.run(flow())


# --- agents: sessions, input streams, prompts (servers from 4.4.2 to 4.4.5)


def test_a_session_lifecycle_and_a_runs_input(sk_client: TriggerClient) -> None:
    # Without an external id every start makes a new session, so the test can be recorded
    # again on the same server; later calls use the id the server gave.
    started = sk_client.sessions.start(
        TASK,
        type="chat.agent",
        trigger_config={"base_payload": {"chatId": "real-lane-chat"}},
        tags=["real-lane"],
    )
    assert started.id.startswith("session_") and started.run_id.startswith("run_")
    assert started.is_cached is False and started.public_access_token
    fetched = sk_client.sessions.retrieve(started.id)
    assert (fetched.id, fetched.task_identifier, fetched.type) == (started.id, TASK, "chat.agent")
    assert fetched.trigger_config is not None
    assert fetched.trigger_config.base_payload == {"chatId": "real-lane-chat"}
    updated = sk_client.sessions.update(started.id, tags=["real-lane", "updated"], metadata={"step": 2})
    assert updated.tags == ["real-lane", "updated"]
    # A running task's input stream: the server keeps what it is sent for the run to read.
    assert sk_client.runs.send_input(started.run_id, "approval", {"approved": True}).ok is True
    closed = sk_client.sessions.close(started.id, reason="real lane done")
    assert closed.closed_at is not None and closed.closed_reason == "real lane done"
    assert sk_client.sessions.retrieve(started.id).closed_at is not None


def test_prompts_of_an_environment_without_any(sk_client: TriggerClient) -> None:
    # The lane deploys no task that defines a prompt: the list is empty, and resolving an
    # unknown slug is a typed not-found.
    assert sk_client.prompts.list().data == []
    with pytest.raises(trigger_dev.NotFoundError) as caught:
        sk_client.prompts.resolve("real-lane-no-such-prompt")
    assert caught.value.status == 404 and caught.value.operation == "prompts.resolve"

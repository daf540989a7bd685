"""Every operation, end to end, through the public surface.

Each test replays a cassette recorded against the Prism mock of ``openapi/trigger.yaml`` with
request validation on: the recorded exchange is proof the request matched the spec, and
replaying matches method, path, query and body exactly, so the wire encoding is pinned too.
"""

from __future__ import annotations

import datetime

import pytest

import trigger_dev
from trigger_dev import TriggerClient
from trigger_dev.models import (
    BulkActionStatus,
    BulkActionType,
    DeploymentStatus,
    EnvironmentVariable,
    MachinePreset,
    QueueType,
    RunStatus,
    ScheduleType,
    WaitpointTokenStatus,
)

pytestmark = pytest.mark.vcr

UTC = datetime.timezone.utc


# --- tasks


def test_trigger_sends_options_in_wire_form(sk_client: TriggerClient) -> None:
    result = sk_client.tasks.trigger(
        "send-welcome-email",
        {"userId": "user_5678", "plan": "pro"},
        options={
            "idempotency_key": "welcome-user_5678",
            "idempotency_key_ttl": "1h",
            "tags": ["onboarding", "user_5678"],
            "queue": "emails",
            "concurrency_key": "user_5678",
            "delay": "10m",
            "ttl": "1h",
            "max_attempts": 3,
            "machine": MachinePreset.SMALL_1X,
            "metadata": {"source": "signup"},
        },
    )
    assert result.id == "run_1234abcd"
    assert result.is_cached is False


def test_trigger_with_no_payload_or_options(sk_client: TriggerClient) -> None:
    assert sk_client.tasks.trigger("nightly-sync").id == "run_1234abcd"


def test_batch_trigger_creates_then_streams_items(sk_client: TriggerClient) -> None:
    batch = sk_client.tasks.batch_trigger(
        "send-welcome-email",
        [
            {"payload": {"userId": "user_1"}},
            {"payload": {"userId": "user_2"}, "options": {"tags": ["vip"], "delay": "5m"}},
        ],
        options={"idempotency_key": "signup-batch-42"},
    )
    assert batch.id == "batch_1234abcd"
    assert batch.run_count == 2
    assert batch.is_cached is False


# --- runs


def test_list_runs_with_a_secret_key_encodes_filters(sk_client: TriggerClient) -> None:
    page = sk_client.runs.list(
        limit=10,
        status=[RunStatus.COMPLETED, "FAILED"],
        task_identifier=["send-welcome-email", "nightly-sync"],
        tag=["onboarding"],
        is_test=False,
        from_=datetime.datetime(2025, 1, 1, tzinfo=UTC),
        to=1735776000000,
        machine=["small-1x"],
    )
    assert isinstance(page, trigger_dev.CursorPage)
    assert [run.id for run in page.data] == ["run_1234abcd"]
    run = page.data[0]
    assert run.status == RunStatus.COMPLETED == "COMPLETED"
    assert run.created_at == datetime.datetime(2025, 1, 1, tzinfo=UTC)
    assert page.has_next_page()
    assert not page.has_previous_page()


def test_list_runs_with_a_personal_access_token_uses_the_project_route(pat_client: TriggerClient) -> None:
    page = pat_client.runs.list(project_ref="proj_abcdefghijklmnop", env="prod", limit=5, period="1d")
    assert [run.id for run in page.data] == ["run_5678efgh"]
    assert page.data[0].status == "EXECUTING"


def test_retrieve_run(sk_client: TriggerClient) -> None:
    run = sk_client.runs.retrieve("run_1234abcd")
    assert run.id == "run_1234abcd"
    assert run.status == RunStatus.COMPLETED
    assert run.task_identifier == "send-welcome-email"
    assert run.related_runs.children == [] or isinstance(run.related_runs.children, list)
    assert run.to_dict()["createdAt"] == "2025-01-01T00:00:00.000Z"


def test_cancel_run(sk_client: TriggerClient) -> None:
    assert sk_client.runs.cancel("run_1234abcd").id == "run_1234abcd"


def test_replay_run(sk_client: TriggerClient) -> None:
    assert sk_client.runs.replay("run_1234abcd").id == "run_9876zyxw"


def test_reschedule_run_takes_a_timedelta(sk_client: TriggerClient) -> None:
    run = sk_client.runs.reschedule("run_1234abcd", delay=datetime.timedelta(hours=2))
    assert run.status == RunStatus.DELAYED
    assert run.delayed_until == datetime.datetime(2025, 1, 1, 2, tzinfo=UTC)


# --- envvars: every credential kind the routes take


@pytest.fixture(params=["secret_key", "personal_access_token", "organization_access_token"])
def envvars_client(
    request: pytest.FixtureRequest,
    sk_client: TriggerClient,
    pat_client: TriggerClient,
    oat_client: TriggerClient,
) -> TriggerClient:
    clients = {
        "secret_key": sk_client,
        "personal_access_token": pat_client,
        "organization_access_token": oat_client,
    }
    return clients[request.param]


def test_list_env_vars(envvars_client: TriggerClient) -> None:
    variables = envvars_client.envvars.list("proj_abcdefghijklmnop", "prod")
    assert variables == [
        EnvironmentVariable(name="DATABASE_URL", value="<redacted>", is_secret=True),
        EnvironmentVariable(name="LOG_LEVEL", value="info", is_secret=False),
    ]


def test_retrieve_env_var(envvars_client: TriggerClient) -> None:
    variable = envvars_client.envvars.retrieve("proj_abcdefghijklmnop", "prod", "LOG_LEVEL")
    assert (variable.name, variable.value, variable.is_secret) == ("LOG_LEVEL", "info", False)


def test_create_env_var(envvars_client: TriggerClient) -> None:
    assert envvars_client.envvars.create(
        "proj_abcdefghijklmnop", "stg", name="LOG_LEVEL", value="debug"
    ).success


def test_upload_env_vars(envvars_client: TriggerClient) -> None:
    result = envvars_client.envvars.upload(
        "proj_abcdefghijklmnop", "dev", variables={"LOG_LEVEL": "debug", "REGION": "eu"}, override=True
    )
    assert result.success is True


def test_update_env_var(envvars_client: TriggerClient) -> None:
    assert envvars_client.envvars.update("proj_abcdefghijklmnop", "prod", "LOG_LEVEL", value="warn").success


def test_delete_env_var(envvars_client: TriggerClient) -> None:
    assert envvars_client.envvars.delete("proj_abcdefghijklmnop", "prod", "LOG_LEVEL").success


# --- schedules


def test_list_schedules(sk_client: TriggerClient) -> None:
    page = sk_client.schedules.list(page=1, per_page=20)
    assert isinstance(page, trigger_dev.OffsetPage)
    assert page.data[0].id == "sched_1234abcd"
    assert page.data[0].type == ScheduleType.IMPERATIVE
    assert page.current_page == 1


def test_create_schedule(sk_client: TriggerClient) -> None:
    schedule = sk_client.schedules.create(
        task="daily-report",
        cron="0 9 * * *",
        deduplication_key="report-acme",
        external_id="acme",
        timezone="Europe/London",
    )
    assert schedule.id == "sched_1234abcd"
    assert schedule.generator.expression == "0 9 * * *"


def test_retrieve_schedule(sk_client: TriggerClient) -> None:
    assert sk_client.schedules.retrieve("sched_1234abcd").active is False


def test_update_schedule(sk_client: TriggerClient) -> None:
    schedule = sk_client.schedules.update("sched_1234abcd", task="daily-report", cron="30 8 * * 1-5")
    assert schedule.generator.expression == "30 8 * * 1-5"


def test_activate_schedule(sk_client: TriggerClient) -> None:
    assert sk_client.schedules.activate("sched_1234abcd").active is True


def test_deactivate_schedule(sk_client: TriggerClient) -> None:
    assert sk_client.schedules.deactivate("sched_1234abcd").active is False


def test_delete_schedule(sk_client: TriggerClient) -> None:
    assert sk_client.schedules.delete("sched_1234abcd").id == "sched_1234abcd"


def test_timezones_need_no_credential(api_url: str) -> None:
    with TriggerClient(base_url=api_url, request_options={"retry": {"max_attempts": 1}}) as client:
        timezones = client.schedules.timezones(exclude_utc=True)
    assert "Europe/London" in timezones.timezones


# --- waitpoint tokens


def test_create_waitpoint_token(sk_client: TriggerClient) -> None:
    token = sk_client.waitpoints.create_token(
        idempotency_key="approve-order-42",
        idempotency_key_ttl="7d",
        timeout=datetime.timedelta(days=1),
        tags=["order_42"],
    )
    assert token.id == "waitpoint_1234abcd"
    assert token.url.endswith("/waitpoint_1234abcd/callback/5f2b")
    assert token.is_cached is False
    assert token.public_access_token  # the x-trigger-jwt header


def test_list_waitpoint_tokens(sk_client: TriggerClient) -> None:
    page = sk_client.waitpoints.list_tokens(
        limit=10,
        status=[WaitpointTokenStatus.WAITING],
        tags=["order_42"],
        from_=datetime.datetime(2025, 1, 1, tzinfo=UTC),
    )
    assert isinstance(page, trigger_dev.CursorPage)
    token = page.data[0]
    assert (token.id, token.status, token.tags) == ("waitpoint_1234abcd", "WAITING", ["order_42"])
    assert token.timeout_at == datetime.datetime(2025, 1, 2, tzinfo=UTC)
    assert page.has_next_page()


def test_retrieve_waitpoint_token_decodes_its_output(sk_client: TriggerClient) -> None:
    token = sk_client.waitpoints.retrieve_token("waitpoint_1234abcd")
    assert token.status == WaitpointTokenStatus.COMPLETED
    assert token.output == {"approved": True}  # sent as a superjson string
    assert token.output_is_error is False


def test_complete_waitpoint_token(sk_client: TriggerClient) -> None:
    assert sk_client.waitpoints.complete_token("waitpoint_1234abcd", {"approved": True}).success


# --- idempotency keys


def test_reset_idempotency_key_sends_the_hash_a_trigger_sent(sk_client: TriggerClient) -> None:
    result = sk_client.idempotency_keys.reset("send-welcome-email", "welcome-user_5678")
    assert result.id


# --- queues


def test_list_queues(sk_client: TriggerClient) -> None:
    page = sk_client.queues.list(page=1, per_page=25)
    assert isinstance(page, trigger_dev.OffsetPage)
    queue = page.data[0]
    assert (queue.name, queue.type, queue.concurrency_limit) == ("send-welcome-email", QueueType.TASK, 5)
    assert queue.concurrency is not None and queue.concurrency.override is None


def test_retrieve_queue_by_task(sk_client: TriggerClient) -> None:
    assert sk_client.queues.retrieve("send-welcome-email", type="task").id == "queue_1234abcd"


def test_pause_queue(sk_client: TriggerClient) -> None:
    assert sk_client.queues.pause("send-welcome-email", type="task").paused is True


def test_resume_queue(sk_client: TriggerClient) -> None:
    assert sk_client.queues.resume("queue_1234abcd").id == "queue_1234abcd"


def test_override_queue_concurrency_limit(sk_client: TriggerClient) -> None:
    queue = sk_client.queues.override_concurrency_limit("queue_1234abcd", concurrency_limit=1)
    assert queue.concurrency is not None
    assert (queue.concurrency.base, queue.concurrency.override) == (5, 1)


def test_reset_queue_concurrency_limit(sk_client: TriggerClient) -> None:
    assert sk_client.queues.reset_concurrency_limit("queue_1234abcd").concurrency_limit == 5


# --- run metadata and tags


def test_retrieve_run_metadata_decodes_it(sk_client: TriggerClient) -> None:
    stored = sk_client.runs.retrieve_metadata("run_1234abcd")
    assert stored.metadata == {"progress": 0.5, "step": "resize"}


def test_update_run_metadata_with_operations(sk_client: TriggerClient) -> None:
    updated = sk_client.runs.update_metadata(
        "run_1234abcd",
        operations=[
            {"type": "set", "key": "step", "value": "resize"},
            {"type": "increment", "key": "done", "value": 1},
        ],
    )
    assert updated.metadata == {"progress": 0.5, "step": "resize"}


def test_add_run_tags(sk_client: TriggerClient) -> None:
    assert sk_client.runs.add_tags("run_1234abcd", ["vip", "eu"]).message.startswith("Successfully")


# --- deployments


def test_list_deployments(sk_client: TriggerClient) -> None:
    page = sk_client.deployments.list(limit=10, status="DEPLOYED", period="30d")
    deployment = page.data[0]
    assert (deployment.version, deployment.status) == ("20250101.1", DeploymentStatus.DEPLOYED)
    assert deployment.git is not None and deployment.git.commit_sha == "9f2c1e7"


def test_retrieve_current_deployment(sk_client: TriggerClient) -> None:
    current = sk_client.deployments.retrieve_current()
    assert (current.id, current.git) == ("deployment_1234abcd", None)


# --- bulk actions


def test_create_bulk_action_by_filter(sk_client: TriggerClient) -> None:
    created = sk_client.bulk_actions.create(
        "cancel",
        name="Cancel stuck imports",
        filter={
            "status": [RunStatus.QUEUED],
            "task_identifier": ["import-csv"],
            "from_": datetime.datetime(2025, 1, 1, tzinfo=UTC),
            "queue": [{"type": "task", "name": "import-csv"}],
        },
    )
    assert created.id == "bulk_1234abcd"


def test_list_bulk_actions(sk_client: TriggerClient) -> None:
    action = sk_client.bulk_actions.list(limit=5).data[0]
    assert (action.type, action.status, action.counts.failure) == (BulkActionType.CANCEL, "COMPLETED", 2)


def test_retrieve_bulk_action(sk_client: TriggerClient) -> None:
    action = sk_client.bulk_actions.retrieve("bulk_1234abcd")
    assert action.status == BulkActionStatus.PENDING and action.completed_at is None


def test_abort_bulk_action(sk_client: TriggerClient) -> None:
    assert sk_client.bulk_actions.abort("bulk_1234abcd").id == "bulk_1234abcd"


# --- query


def test_execute_query(sk_client: TriggerClient) -> None:
    result = sk_client.query.execute("SELECT run_id, status FROM runs LIMIT 10", period="7d")
    assert result.results == [{"run_id": "run_1234abcd", "status": "COMPLETED"}]


# --- raw responses and errors through the mock


def test_raw_response_keeps_the_response(sk_client: TriggerClient) -> None:
    raw = sk_client.runs.with_raw_response.retrieve("run_1234abcd")
    assert raw.status_code == 200
    assert raw.headers["content-type"].startswith("application/json")
    assert raw.json()["id"] == "run_1234abcd"
    assert raw.parse().id == "run_1234abcd"


def test_not_found_is_a_typed_error(sk_client: TriggerClient) -> None:
    with pytest.raises(trigger_dev.NotFoundError) as caught:
        sk_client.runs.retrieve("run_missing0000", request_options={"extra_headers": {"Prefer": "code=404"}})
    assert caught.value.status == 404
    assert caught.value.headers["x-should-retry"] == "true"
    assert caught.value.message == caught.value.error

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
from trigger_dev.models import EnvironmentVariable, MachinePreset, RunStatus, ScheduleType

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


# --- raw responses and errors through the mock


def test_raw_response_keeps_the_response(sk_client: TriggerClient) -> None:
    raw = sk_client.runs.with_raw_response.retrieve("run_1234abcd")
    assert raw.status_code == 200
    assert raw.headers["content-type"].startswith("application/json")
    assert raw.json()["id"] == "run_1234abcd"
    assert raw.parse().id == "run_1234abcd"


def test_not_found_is_a_typed_error(sk_client: TriggerClient) -> None:
    with pytest.raises(trigger_dev.NotFoundError) as caught:
        sk_client.runs.retrieve(
            "run_missing0000", request_options={"additional_headers": {"Prefer": "code=404"}}
        )
    assert caught.value.status == 404
    assert caught.value.headers["x-should-retry"] == "true"
    assert caught.value.message == caught.value.error

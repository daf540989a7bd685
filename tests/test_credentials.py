"""The credential matrix: a call with a credential its endpoint does not take fails before
anything is sent, with a message that names the call, the credential and what would work."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

import trigger_dev
from tests.support.clients import ACCESS_TOKEN, ORG_TOKEN, SECRET_KEY, sync_client
from trigger_dev import AuthMethodError, TriggerClient

Call = Callable[[TriggerClient], Any]

SECRET_KEY_ONLY: dict[str, Call] = {
    "tasks.trigger": lambda c: c.tasks.trigger("my-task", {"a": 1}),
    "tasks.batch_trigger": lambda c: c.tasks.batch_trigger("my-task", [{"payload": 1}]),
    "runs.retrieve": lambda c: c.runs.retrieve("run_1234"),
    "runs.cancel": lambda c: c.runs.cancel("run_1234"),
    "runs.replay": lambda c: c.runs.replay("run_1234"),
    "runs.reschedule": lambda c: c.runs.reschedule("run_1234", delay="1h"),
    "schedules.list": lambda c: c.schedules.list(),
    "schedules.create": lambda c: c.schedules.create(task="t", cron="0 * * * *", deduplication_key="k"),
    "schedules.retrieve": lambda c: c.schedules.retrieve("sched_1234"),
    "schedules.update": lambda c: c.schedules.update("sched_1234", task="t", cron="0 * * * *"),
    "schedules.activate": lambda c: c.schedules.activate("sched_1234"),
    "schedules.deactivate": lambda c: c.schedules.deactivate("sched_1234"),
    "schedules.delete": lambda c: c.schedules.delete("sched_1234"),
    "waitpoints.create_token": lambda c: c.waitpoints.create_token(),
    "waitpoints.list_tokens": lambda c: c.waitpoints.list_tokens(),
    "waitpoints.retrieve_token": lambda c: c.waitpoints.retrieve_token("waitpoint_1234"),
    "waitpoints.complete_token": lambda c: c.waitpoints.complete_token("waitpoint_1234", {"ok": True}),
    "idempotency_keys.reset": lambda c: c.idempotency_keys.reset("my-task", "key-1"),
    "queues.list": lambda c: c.queues.list(),
    "queues.retrieve": lambda c: c.queues.retrieve("queue_1234"),
    "queues.pause": lambda c: c.queues.pause("queue_1234"),
    "queues.resume": lambda c: c.queues.resume("queue_1234"),
    "queues.override_concurrency_limit": lambda c: c.queues.override_concurrency_limit(
        "queue_1234", percent=50
    ),
    "queues.reset_concurrency_limit": lambda c: c.queues.reset_concurrency_limit("queue_1234"),
    "runs.retrieve_metadata": lambda c: c.runs.retrieve_metadata("run_1234"),
    "runs.update_metadata": lambda c: c.runs.update_metadata("run_1234", metadata={}),
    "runs.add_tags": lambda c: c.runs.add_tags("run_1234", ["a"]),
    "deployments.list": lambda c: c.deployments.list(),
    "deployments.retrieve_current": lambda c: c.deployments.retrieve_current(),
    "bulk_actions.create": lambda c: c.bulk_actions.create("replay", run_ids=["run_1234"]),
    "bulk_actions.list": lambda c: c.bulk_actions.list(),
    "bulk_actions.retrieve": lambda c: c.bulk_actions.retrieve("bulk_1234"),
    "bulk_actions.abort": lambda c: c.bulk_actions.abort("bulk_1234"),
    "query.execute": lambda c: c.query.execute("SELECT 1"),
}


@pytest.fixture
def server(httpserver: HTTPServer) -> Iterator[HTTPServer]:
    yield httpserver
    assert httpserver.log == [], "a refused call must not reach the server"


@pytest.mark.parametrize("name", sorted(SECRET_KEY_ONLY))
@pytest.mark.parametrize("token", [ACCESS_TOKEN, ORG_TOKEN], ids=["pat", "oat"])
def test_secret_key_operations_refuse_other_tokens(server: HTTPServer, name: str, token: str) -> None:
    client = sync_client(server.url_for(""), secret_key=token)
    with pytest.raises(AuthMethodError) as caught:
        SECRET_KEY_ONLY[name](client)
    error = caught.value
    assert error.operation == name
    assert re.match(
        rf"{re.escape(name)} cannot be called with an? (personal|organization) access token;", str(error)
    )
    assert str(error).endswith("it takes secret key.")
    assert isinstance(error, ValueError)


def test_a_pat_passed_as_secret_key_is_recognised(server: HTTPServer) -> None:
    client = sync_client(server.url_for(""), secret_key=ACCESS_TOKEN)
    assert client.credential_kind == "personal access token"
    with pytest.raises(AuthMethodError, match="with a personal access token"):
        client.runs.retrieve("run_1234")


def test_runs_list_with_a_pat_needs_project_and_environment(server: HTTPServer) -> None:
    client = sync_client(server.url_for(""), access_token=ACCESS_TOKEN)
    with pytest.raises(AuthMethodError) as caught:
        client.runs.list()
    message = str(caught.value)
    assert "runs.list with a personal access token needs 'project_ref', 'env'" in message
    assert "GET /api/v1/projects/{project_ref}/runs" in message
    assert caught.value.credential == "personal access token"

    with pytest.raises(AuthMethodError, match="needs 'env'"):
        client.runs.list(project_ref="proj_1234")


def test_runs_list_with_a_secret_key_refuses_project_arguments(server: HTTPServer) -> None:
    client = sync_client(server.url_for(""), secret_key=SECRET_KEY)
    with pytest.raises(AuthMethodError) as caught:
        client.runs.list(project_ref="proj_1234", env="prod")
    message = str(caught.value)
    assert message.startswith("runs.list with a secret key cannot take 'env', 'project_ref'")
    assert "apply only with a personal access token" in message


def test_an_organization_token_cannot_list_runs(server: HTTPServer) -> None:
    client = sync_client(server.url_for(""), secret_key=ORG_TOKEN)
    with pytest.raises(AuthMethodError, match="runs.list cannot be called with an organization access token"):
        client.runs.list()


def test_no_credential_at_all_says_how_to_configure(server: HTTPServer) -> None:
    client = sync_client(server.url_for(""), secret_key=None)
    assert client.credential_kind is None
    with pytest.raises(AuthMethodError) as caught:
        client.runs.retrieve("run_1234")
    assert "TRIGGER_SECRET_KEY" in str(caught.value)
    assert caught.value.credential == "none"


def test_timezones_send_no_authorization(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api/v1/timezones").respond_with_json({"timezones": ["UTC"]})
    client = sync_client(httpserver.url_for(""), secret_key=SECRET_KEY)
    assert client.schedules.timezones().timezones == ["UTC"]
    ((request, _),) = httpserver.log
    assert "Authorization" not in request.headers


@pytest.mark.parametrize(
    ("token", "operation"),
    [
        (SECRET_KEY, lambda c: c.envvars.list("proj_1", "prod")),
        (ACCESS_TOKEN, lambda c: c.envvars.list("proj_1", "prod")),
        (ORG_TOKEN, lambda c: c.envvars.list("proj_1", "prod")),
    ],
    ids=["secret-key", "pat", "oat"],
)
def test_envvars_take_every_kind(httpserver: HTTPServer, token: str, operation: Call) -> None:
    httpserver.expect_request("/api/v1/projects/proj_1/envvars/prod").respond_with_json([])
    assert operation(sync_client(httpserver.url_for(""), secret_key=token)) == []
    ((request, _),) = httpserver.log
    assert request.headers["Authorization"] == f"Bearer {token}"


def test_module_level_namespaces_use_the_configured_client(server: HTTPServer) -> None:
    trigger_dev.configure(access_token=ACCESS_TOKEN, base_url=server.url_for(""))
    with pytest.raises(AuthMethodError, match="runs.cancel cannot be called with a personal access token"):
        trigger_dev.runs.cancel("run_1234")

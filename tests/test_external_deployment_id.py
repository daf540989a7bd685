"""``options["external_deployment_id"]`` goes on the wire as the server reads it
(``options.externalDeploymentId``, triggerTask.server.ts at v4.5.12), and only when given."""

from __future__ import annotations

import json

import pytest
from pytest_httpserver import HTTPServer

import trigger_dev
from tests.support.clients import sync_client


def test_sent_when_given_and_not_otherwise(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api/v1/tasks/send-email/trigger", method="POST").respond_with_json(
        {"id": "run_1"}
    )
    client = sync_client(httpserver.url_for(""))
    client.tasks.trigger("send-email", {}, options={"external_deployment_id": "3f2c9e1"})
    client.tasks.trigger("send-email", {}, options={"version": "20261201.1"})
    first, second = (json.loads(request.get_data()) for request, _ in httpserver.log)
    assert first["options"] == {"externalDeploymentId": "3f2c9e1"}
    assert second["options"] == {"lockToVersion": "20261201.1"}


def test_longer_than_the_server_takes_is_refused_before_sending(httpserver: HTTPServer) -> None:
    with pytest.raises(trigger_dev.InvalidArgumentError, match="external_deployment_id"):
        sync_client(httpserver.url_for("")).tasks.trigger(
            "t", {}, options={"external_deployment_id": "x" * 129}
        )
    assert httpserver.log == []

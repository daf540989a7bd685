"""Trigger options a deployment platform sets through the environment, sent as the official
SDK sends them and as the server reads them (``options.lockToVersion`` and
``options.externalDeploymentId``, triggerTask.server.ts:403-445 at v4.5.12): from
``TRIGGER_VERSION``, ``TRIGGER_EXTERNAL_DEPLOYMENT_ID``, or a platform's commit SHA when
``TRIGGER_AUTOMATIC_SKEW_VERSION_PROTECTION`` is on; what the caller passes wins."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

import trigger_dev
from tests.support.clients import sync_client
from trigger_dev._wire.deployment import deployment_defaults, external_deployment_id


def sent_options(httpserver: HTTPServer, options: Any = None) -> Any:
    httpserver.expect_request("/api/v1/tasks/send-email/trigger", method="POST").respond_with_json(
        {"id": "run_1"}
    )
    sync_client(httpserver.url_for("")).tasks.trigger("send-email", {}, options=options)
    request, _ = httpserver.log[-1]
    return json.loads(request.get_data()).get("options")


def test_sent_when_given_and_not_otherwise(httpserver: HTTPServer) -> None:
    assert sent_options(httpserver, {"external_deployment_id": "3f2c9e1"}) == {
        "externalDeploymentId": "3f2c9e1"
    }
    assert sent_options(httpserver, {"version": "20261201.1"}) == {"lockToVersion": "20261201.1"}
    assert sent_options(httpserver) is None


def test_the_environment_fills_what_is_left_out(
    httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRIGGER_VERSION", "20261201.1")
    monkeypatch.setenv("TRIGGER_EXTERNAL_DEPLOYMENT_ID", "  3f2c9e1  ")
    assert sent_options(httpserver) == {"lockToVersion": "20261201.1", "externalDeploymentId": "3f2c9e1"}
    assert sent_options(httpserver, {"tags": ["a"]}) == {
        "tags": ["a"],
        "lockToVersion": "20261201.1",
        "externalDeploymentId": "3f2c9e1",
    }
    # What the caller passes wins; None opts out of a default.
    assert sent_options(httpserver, {"version": "20261130.4", "external_deployment_id": None}) == {
        "lockToVersion": "20261130.4"
    }


def test_a_platforms_commit_only_with_automatic_protection(
    httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_SHA", "abc123")
    monkeypatch.setenv("VERCEL_GIT_COMMIT_SHA", "")  # empty: skipped
    assert sent_options(httpserver) is None
    monkeypatch.setenv("TRIGGER_AUTOMATIC_SKEW_VERSION_PROTECTION", "true")
    assert sent_options(httpserver) == {"externalDeploymentId": "abc123"}


def test_the_resolution_order() -> None:
    assert external_deployment_id({}) is None
    assert external_deployment_id({"TRIGGER_EXTERNAL_DEPLOYMENT_ID": "x" * 129}) is None
    on = {"TRIGGER_AUTOMATIC_SKEW_VERSION_PROTECTION": "1"}
    assert external_deployment_id({**on, "RENDER_GIT_COMMIT": "r", "GITHUB_SHA": "g"}) == "r"
    assert external_deployment_id({**on, "GITHUB_SHA": "g", "TRIGGER_EXTERNAL_DEPLOYMENT_ID": "e"}) == "e"
    assert (
        external_deployment_id({"TRIGGER_AUTOMATIC_SKEW_VERSION_PROTECTION": "yes", "GITHUB_SHA": "g"})
        is None
    )
    assert deployment_defaults("not a dict", {"TRIGGER_VERSION": "1"}) == "not a dict"
    assert deployment_defaults(None, {}) is None


def test_batch_items_get_them_too(httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRIGGER_VERSION", "20261201.1")
    httpserver.expect_request("/api/v3/batches", method="POST").respond_with_json(
        {"id": "batch_1", "runCount": 2, "publicAccessToken": "t", "isCached": False}
    )
    httpserver.expect_request("/api/v3/batches/batch_1/items", method="POST").respond_with_json(
        {"id": "batch_1", "itemsAccepted": 2, "itemsDeduplicated": 0, "sealed": True}
    )
    opted_out: Any = {"version": None}  # None is outside the options' types, and opts out at run time
    sync_client(httpserver.url_for("")).tasks.batch_trigger(
        "send-email", [{"payload": 1}, {"payload": 2, "options": opted_out}]
    )
    request, _ = httpserver.log[-1]
    lines = [json.loads(line) for line in request.get_data().splitlines()]
    assert lines[0]["options"] == {"lockToVersion": "20261201.1"}
    assert "lockToVersion" not in lines[1].get("options", {})


def test_longer_than_the_server_takes_is_refused_before_sending(httpserver: HTTPServer) -> None:
    with pytest.raises(trigger_dev.InvalidArgumentError, match="external_deployment_id"):
        sync_client(httpserver.url_for("")).tasks.trigger(
            "t", {}, options={"external_deployment_id": "x" * 129}
        )
    assert httpserver.log == []

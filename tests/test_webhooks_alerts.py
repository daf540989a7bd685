"""`webhooks.construct_event`: alert webhooks signed as the server signs them (the hex
HMAC-SHA256 of the exact body, keyed with the channel secret), verified and read as events."""

from __future__ import annotations

import asyncio
import datetime
import hashlib
import hmac
import json
from typing import Any

import pytest

import trigger_dev
from tests.support.alert_webhooks import (
    SECRET,
    deployment_failed,
    deployment_success,
    error_alert,
    run_failed,
    sign,
    signed,
)
from trigger_dev import models

HEADER = "x-trigger-signature-hmacsha256"


def test_the_signature_is_the_servers_recipe() -> None:
    # deliverAlert.server.ts: HMAC-SHA256, key = the secret's UTF-8 bytes, over JSON.stringify(payload), hex.
    body = b'{"a":1}'
    assert sign(body) == hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()


@pytest.mark.parametrize(
    ("factory", "model"),
    [
        (run_failed, models.RunFailedWebhook),
        (deployment_success, models.DeploymentSuccessWebhook),
        (deployment_failed, models.DeploymentFailedWebhook),
        (error_alert, models.ErrorWebhook),
    ],
)
def test_each_alert_type_reads_as_its_model(factory: Any, model: type) -> None:
    body, headers = signed(factory())
    event = trigger_dev.webhooks.construct_event(body, headers, SECRET)
    assert type(event) is model
    assert event.id == "alert_1" and event.webhook_version == "v1"
    assert event.created == datetime.datetime(2026, 12, 1, 10, 0, tzinfo=datetime.timezone.utc)
    assert event.to_dict() == json.loads(body)


def test_fields_of_each_event() -> None:
    event = trigger_dev.webhooks.construct_event(*signed(run_failed()), SECRET)
    assert isinstance(event, models.RunFailedWebhook)
    assert event.object.run.id == "run_1" and event.object.run.status == "FAILED"
    assert event.object.run.error["message"] == "boom" and event.object.task.id == "send-email"
    assert event.object.environment.type == "PRODUCTION" and event.object.project.ref == "proj_1"
    success = trigger_dev.webhooks.construct_event(*signed(deployment_success()), SECRET)
    assert isinstance(success, models.DeploymentSuccessWebhook)
    assert success.object.deployment.version == "20261201.1" and success.object.tasks[0].id == "send-email"
    assert success.object.deployment.deployed_at is not None and success.object.git is None
    failed = trigger_dev.webhooks.construct_event(*signed(deployment_failed()), SECRET)
    assert isinstance(failed, models.DeploymentFailedWebhook)
    assert failed.object.error.message == "build failed" and failed.object.git is not None
    error = trigger_dev.webhooks.construct_event(*signed(error_alert()), SECRET)
    assert isinstance(error, models.ErrorWebhook)
    assert error.object.classification == "new_issue" and error.object.error.occurrence_count == 3
    assert error.object.environment.name == "production"


def test_an_unknown_type_is_readable_not_an_error() -> None:
    payload = {**run_failed(), "type": "alert.dashboard_agent_watch", "object": {"watch": 1}, "extra": True}
    event = trigger_dev.webhooks.construct_event(*signed(payload), SECRET)
    assert isinstance(event, models.UnknownWebhookEvent)
    assert event.type == "alert.dashboard_agent_watch" and event.object == {"watch": 1}
    assert event.to_dict() == payload


def test_a_legacy_v1_body_without_envelope_is_readable() -> None:
    legacy = {"task": {"id": "t"}, "run": {"id": "run_1"}, "error": {"message": "x"}}
    event = trigger_dev.webhooks.construct_event(*signed(legacy), SECRET)
    assert isinstance(event, models.UnknownWebhookEvent)
    assert event.type is None and event.id is None and event.to_dict() == legacy


def test_bytes_and_text_bodies_both_verify() -> None:
    body, headers = signed(run_failed())
    assert trigger_dev.webhooks.construct_event(body, headers, SECRET).id == "alert_1"
    assert trigger_dev.webhooks.construct_event(body.decode("utf-8"), headers, SECRET).id == "alert_1"
    assert trigger_dev.webhooks.construct_event(bytearray(body), headers, SECRET).id == "alert_1"


def test_non_ascii_text_is_encoded_as_utf8() -> None:
    payload = run_failed()
    payload["object"]["run"]["error"]["message"] = "échec ✗"
    body, headers = signed(payload)
    assert "✗".encode() in body
    event = trigger_dev.webhooks.construct_event(body.decode("utf-8"), headers, SECRET)
    assert isinstance(event, models.RunFailedWebhook) and event.object.run.error["message"] == "échec ✗"


def test_a_tampered_body_fails() -> None:
    body, headers = signed(run_failed())
    tampered = body.replace(b'"run_1"', b'"run_2"')
    with pytest.raises(trigger_dev.WebhookVerificationError, match="does not match the body"):
        trigger_dev.webhooks.construct_event(tampered, headers, SECRET)


def test_a_reserialised_body_fails() -> None:
    body, headers = signed(run_failed())
    pretty = json.dumps(json.loads(body), indent=2)
    with pytest.raises(trigger_dev.WebhookVerificationError, match="raw request body"):
        trigger_dev.webhooks.construct_event(pretty, headers, SECRET)


def test_a_wrong_secret_fails() -> None:
    body, headers = signed(run_failed())
    with pytest.raises(trigger_dev.WebhookVerificationError, match="secret is not this channel's"):
        trigger_dev.webhooks.construct_event(body, headers, SECRET + "x")


def test_an_empty_secret_is_refused() -> None:
    body, headers = signed(run_failed())
    with pytest.raises(trigger_dev.WebhookVerificationError, match="secret is empty"):
        trigger_dev.webhooks.construct_event(body, headers, "")


def test_a_missing_header_fails() -> None:
    body, _ = signed(run_failed())
    with pytest.raises(trigger_dev.WebhookVerificationError, match=f"no {HEADER} header"):
        trigger_dev.webhooks.construct_event(body, {"content-type": "application/json"}, SECRET)


def test_headers_in_any_case_and_shape() -> None:
    body, headers = signed(run_failed())
    value = headers[HEADER]
    for shaped in (
        {HEADER.upper(): value},
        {"X-Trigger-Signature-HmacSHA256": value},
        [("content-type", "application/json"), (HEADER, value)],
        [(b"content-type", b"application/json"), (HEADER.encode(), value.encode())],
    ):
        assert trigger_dev.webhooks.construct_event(body, shaped, SECRET).id == "alert_1"


def test_two_different_signature_headers_fail() -> None:
    body, headers = signed(run_failed())
    with pytest.raises(trigger_dev.WebhookVerificationError, match="2 different"):
        trigger_dev.webhooks.construct_event(body, [(HEADER, headers[HEADER]), (HEADER, "0" * 64)], SECRET)


def test_a_signed_body_that_is_not_json_fails() -> None:
    body = b"not json"
    with pytest.raises(trigger_dev.WebhookVerificationError, match="not JSON"):
        trigger_dev.webhooks.construct_event(body, {HEADER: sign(body)}, SECRET)
    with pytest.raises(trigger_dev.WebhookVerificationError, match="not an object"):
        trigger_dev.webhooks.construct_event(b"[1]", {HEADER: sign(b"[1]")}, SECRET)


def test_a_known_type_missing_its_envelope_fails_clearly() -> None:
    payload = run_failed()
    del payload["object"]
    with pytest.raises(trigger_dev.WebhookVerificationError, match="not a complete event"):
        trigger_dev.webhooks.construct_event(*signed(payload), SECRET)


@pytest.mark.parametrize(
    ("payload", "headers", "secret", "message"),
    [
        ({"a": 1}, {}, SECRET, "payload must be the request body as bytes"),
        (b"{}", "x", SECRET, "headers must be a mapping"),
        (b"{}", {}, b"secret", "secret must be the channel's secret as str"),
    ],
)
def test_wrong_types_are_refused(payload: Any, headers: Any, secret: Any, message: str) -> None:
    with pytest.raises(trigger_dev.ArgumentTypeError, match=message):
        trigger_dev.webhooks.construct_event(payload, headers, secret)


def test_errors_are_trigger_errors() -> None:
    assert issubclass(trigger_dev.WebhookVerificationError, trigger_dev.TriggerError)


def test_module_level_needs_no_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TRIGGER_SECRET_KEY", raising=False)
    monkeypatch.delenv("TRIGGER_ACCESS_TOKEN", raising=False)
    monkeypatch.setattr(trigger_dev._client, "_default", None)
    assert trigger_dev.webhooks.construct_event(*signed(run_failed()), SECRET).id == "alert_1"
    assert trigger_dev.webhooks.SIGNATURE_HEADER == HEADER
    assert trigger_dev._client._default is None  # no client was made for either


def test_both_clients_have_it() -> None:
    body, headers = signed(error_alert())
    client = trigger_dev.TriggerClient(secret_key="tr_dev_x", base_url="http://127.0.0.1:9")
    assert isinstance(client.webhooks.construct_event(body, headers, SECRET), models.ErrorWebhook)

    async def main() -> Any:
        async with trigger_dev.AsyncTriggerClient(secret_key="tr_dev_x", base_url="http://127.0.0.1:9") as c:
            return c.webhooks.construct_event(body, headers, SECRET)

    assert isinstance(asyncio.run(main()), models.ErrorWebhook)

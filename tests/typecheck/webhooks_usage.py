"""Alert webhooks, `bulk_actions.poll` and the run subscription that outlives its run, as a
type checker sees them."""

from __future__ import annotations

import datetime
from typing import Any, assert_type

import trigger_dev
from trigger_dev import AsyncTriggerClient, TriggerClient, WebhookEvent
from trigger_dev.models import (
    AlertWebhookTypeLiteral,
    BulkAction,
    DeploymentFailedWebhook,
    DeploymentSuccessWebhook,
    ErrorWebhook,
    RunFailedWebhook,
    RunStatusLiteral,
    UnknownWebhookEvent,
)


def handle(body: bytes, headers: dict[str, str], secret: str) -> str:
    event = trigger_dev.webhooks.construct_event(body, headers, secret)
    assert_type(event, WebhookEvent)
    if isinstance(event, RunFailedWebhook):
        assert_type(event.type, AlertWebhookTypeLiteral)
        assert_type(event.created, datetime.datetime)
        assert_type(event.object.run.status, RunStatusLiteral)
        return event.object.run.id
    if isinstance(event, DeploymentSuccessWebhook):
        assert_type(event.object.deployment.deployed_at, datetime.datetime | None)
        return event.object.deployment.version
    if isinstance(event, DeploymentFailedWebhook):
        return event.object.error.message
    if isinstance(event, ErrorWebhook):
        assert_type(event.object.error.occurrence_count, int)
        return event.object.error.fingerprint
    assert_type(event, UnknownWebhookEvent)
    assert_type(event.type, str | None)
    return "unknown"


def pairs(client: TriggerClient, body: str, raw: list[tuple[bytes, bytes]]) -> None:
    client.webhooks.construct_event(body, raw, "whsec")
    client.webhooks.construct_event(body, [("x-trigger-signature-hmacsha256", "ab")], "whsec")
    client.webhooks.construct_event(body, {}, b"whsec")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    client.webhooks.construct_event({"a": 1}, {}, "whsec")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]


def bulk(client: TriggerClient) -> None:
    assert_type(client.bulk_actions.poll("bulk_1", interval=5, timeout=None), BulkAction)
    with client.runs.subscribe_to_run("run_1", stop_on_completion=False) as subscription:
        for run in subscription:
            assert_type(run.metadata, dict[str, Any] | None)
    client.tasks.trigger("t", {}, options={"external_deployment_id": "3f2c9e1"})


async def bulk_async(client: AsyncTriggerClient, body: bytes) -> None:
    assert_type(await client.bulk_actions.poll("bulk_1"), BulkAction)
    assert_type(client.webhooks.construct_event(body, {}, "whsec"), WebhookEvent)

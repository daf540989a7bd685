"""A FastAPI endpoint for Trigger.dev alert webhooks: verify each request, then act on it by
its type.

Point an alert channel of type webhook at ``https://<your host>/trigger/alerts`` and set
``TRIGGER_ALERT_WEBHOOK_SECRET`` to the channel's secret; serve it with
``uvicorn fastapi_alert_webhooks:app`` (``pip install fastapi``). The endpoint reads the raw
body (never ``await request.json()``: the signature covers the exact bytes the server sent),
answers 400 to anything that does not verify, and 200 otherwise. The server tries an alert
again after an answer other than 2xx (three attempts in all), and an alert carries no
timestamp, so ``event.id`` is what tells a repeat (or a replayed request) apart.

``python examples/fastapi_alert_webhooks.py`` runs a demonstration with no server: it signs
sample alerts as the server does and posts them to the app in-process.
"""

from __future__ import annotations

import os
from typing import Any

from fastapi import FastAPI, HTTPException, Request

import trigger_dev
from trigger_dev.models import (
    DeploymentFailedWebhook,
    DeploymentSuccessWebhook,
    ErrorWebhook,
    RunFailedWebhook,
    UnknownWebhookEvent,
)

app = FastAPI()
seen: set[str] = set()  # alert ids already handled (use your database in production)


def handle(event: trigger_dev.WebhookEvent) -> str:
    """Act on a verified alert; returns what was done, for the demonstration."""
    if isinstance(event, RunFailedWebhook):
        run = event.object.run
        return (
            f"run {run.id} of {event.object.task.id} failed: {run.error.get('message')} ({run.dashboard_url})"
        )
    if isinstance(event, DeploymentSuccessWebhook):
        deployment = event.object.deployment
        return f"deployed {deployment.version} with {len(event.object.tasks)} task(s)"
    if isinstance(event, DeploymentFailedWebhook):
        return f"deployment {event.object.deployment.version} failed: {event.object.error.message}"
    if isinstance(event, ErrorWebhook):
        error = event.object.error
        return f"{event.object.classification} error in {error.task_identifier}: {error.message}"
    assert isinstance(event, UnknownWebhookEvent)
    return f"ignored an alert of type {event.type!r}"  # a kind of alert newer than this code


@app.post("/trigger/alerts")
async def alerts(request: Request) -> dict[str, Any]:
    secret = os.environ.get("TRIGGER_ALERT_WEBHOOK_SECRET", "")
    body = await request.body()
    try:
        event = trigger_dev.webhooks.construct_event(body, request.headers, secret)
    except trigger_dev.WebhookVerificationError as error:
        raise HTTPException(status_code=400, detail=str(error)) from None
    if event.id is not None and event.id in seen:
        return {"ok": True, "repeat": True}
    if event.id is not None:
        seen.add(event.id)
    return {"ok": True, "did": handle(event)}


def demonstrate() -> None:
    """Post signed sample alerts (and a forged one) to the app, in-process."""
    import hashlib
    import hmac
    import json

    from fastapi.testclient import TestClient

    secret = "whsec_demo"
    os.environ["TRIGGER_ALERT_WEBHOOK_SECRET"] = secret
    org = {"id": "org_1", "slug": "acme", "name": "Acme"}
    project = {"id": "p_1", "ref": "proj_1", "slug": "app", "name": "App"}
    env = {"id": "env_1", "type": "PRODUCTION", "slug": "prod"}
    samples: list[dict[str, Any]] = [
        {"type": "alert.run.failed", "object": {
            "task": {"id": "send-email", "filePath": "src/email.ts", "version": "20250101.1",
                     "sdkVersion": "4.5.12", "cliVersion": "4.5.12"},
            "run": {"id": "run_1", "number": 1, "status": "FAILED", "createdAt": "2025-01-01T00:00:00Z",
                    "isTest": False, "tags": [], "error": {"type": "BUILT_IN_ERROR", "name": "Error",
                    "message": "SMTP refused"}, "isOutOfMemoryError": False, "machine": "small-1x",
                    "dashboardUrl": "https://cloud.trigger.dev/runs/run_1"},
            "environment": env, "organization": org, "project": project}},
        {"type": "alert.deployment.success", "object": {
            "environment": env, "organization": org, "project": project,
            "deployment": {"id": "dep_1", "status": "DEPLOYED", "version": "20250101.2", "shortCode": "ab12",
                           "deployedAt": "2025-01-01T00:00:00Z"},
            "tasks": [{"id": "send-email", "filePath": "src/email.ts", "triggerSource": "STANDARD"}]}},
        {"type": "alert.dashboard_agent_watch", "object": {}},
    ]  # fmt: skip
    with TestClient(app) as http:
        for number, sample in enumerate(samples, 1):
            payload = {
                "id": f"alert_{number}",
                "created": "2025-01-01T00:00:00Z",
                "webhookVersion": "v1",
                **sample,
            }
            body = json.dumps(payload, separators=(",", ":")).encode()  # as JSON.stringify writes it
            signature = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
            headers = {"content-type": "application/json", "x-trigger-signature-hmacsha256": signature}
            answer = http.post("/trigger/alerts", content=body, headers=headers)
            print(f"{sample['type']}: {answer.status_code} {answer.json()['did']}")
        repeat = http.post("/trigger/alerts", content=body, headers=headers)
        print(f"the same alert again: {repeat.status_code} repeat={repeat.json()['repeat']}")
        forged = http.post("/trigger/alerts", content=body.replace(b"alert_3", b"alert_9"), headers=headers)
        print(f"a changed body: {forged.status_code} {forged.json()['detail'][:48]}")


if __name__ == "__main__":
    demonstrate()

"""Alert webhook bodies as the server builds them (apps/webapp/app/v3/services/alerts/
deliverAlert.server.ts and deliverErrorGroupAlert.server.ts at v4.5.12), and signed as it
signs them: the body is ``JSON.stringify(payload)`` (compact), the header the hex
HMAC-SHA256 of those bytes keyed with the channel secret's UTF-8 bytes."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

SECRET = "whsec_test_1234"
HEADER = "x-trigger-signature-hmacsha256"


def sign(body: bytes, secret: str = SECRET) -> str:
    return hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def stringify(payload: Any) -> bytes:
    """``JSON.stringify``: no spaces, non-ASCII characters as they are, in UTF-8."""
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def signed(payload: Any, secret: str = SECRET) -> tuple[bytes, dict[str, str]]:
    body = stringify(payload)
    return body, {"content-type": "application/json", HEADER: sign(body, secret)}


def _envelope(kind: str, obj: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": "alert_1",
        "created": "2026-12-01T10:00:00.000Z",
        "webhookVersion": "v1",
        "type": kind,
        "object": obj,
    }


_ORG = {"id": "org_1", "slug": "acme", "name": "Acme"}
_PROJECT = {"id": "p1", "ref": "proj_1", "slug": "app", "name": "App"}
_ENV = {"id": "env_1", "type": "PRODUCTION", "slug": "prod"}


def run_failed() -> dict[str, Any]:
    return _envelope(
        "alert.run.failed",
        {
            "task": {"id": "send-email", "filePath": "src/trigger/email.ts", "exportName": "sendEmail",
                     "version": "20261201.1", "sdkVersion": "4.5.12", "cliVersion": "4.5.12"},
            "run": {"id": "run_1", "number": 7, "status": "FAILED", "createdAt": "2026-12-01T09:59:00.000Z",
                    "startedAt": "2026-12-01T09:59:01.000Z", "completedAt": "2026-12-01T09:59:30.000Z",
                    "isTest": False, "tags": ["user_1"],
                    "error": {"type": "BUILT_IN_ERROR", "name": "Error", "message": "boom", "stackTrace": "at x"},
                    "isOutOfMemoryError": False, "machine": "small-1x",
                    "dashboardUrl": "https://cloud.trigger.dev/runs/run_1"},
            "environment": _ENV, "organization": _ORG, "project": _PROJECT,
        },
    )  # fmt: skip


def _deployment(**extra: Any) -> dict[str, Any]:
    return {"id": "dep_1", "status": "DEPLOYED", "version": "20261201.1", "shortCode": "abc123", **extra}


def deployment_success() -> dict[str, Any]:
    return _envelope(
        "alert.deployment.success",
        {"environment": _ENV, "organization": _ORG, "project": _PROJECT,
         "deployment": _deployment(deployedAt="2026-12-01T10:00:00.000Z"),
         "tasks": [{"id": "send-email", "filePath": "src/trigger/email.ts", "exportName": "sendEmail",
                    "triggerSource": "STANDARD"}]},
    )  # fmt: skip


def deployment_failed() -> dict[str, Any]:
    return _envelope(
        "alert.deployment.failed",
        {"environment": _ENV, "organization": _ORG, "project": _PROJECT,
         "git": {"branch": "main", "commitSha": "abc", "commitMessage": "fix", "commitUrl": "u", "branchUrl": "b"},
         "deployment": _deployment(status="FAILED", failedAt="2026-12-01T10:00:00.000Z"),
         "error": {"name": "BuildError", "message": "build failed", "stderr": "..."}},
    )  # fmt: skip


def error_alert() -> dict[str, Any]:
    return _envelope(
        "alert.error",
        {"classification": "new_issue",
         "error": {"fingerprint": "fp_1", "type": "TypeError", "message": "x is undefined",
                   "firstSeen": "2026-12-01T09:00:00.000Z", "lastSeen": "2026-12-01T09:58:00.000Z",
                   "occurrenceCount": 3, "taskIdentifier": "send-email"},
         "environment": {"id": "env_1", "name": "production"}, "organization": _ORG, "project": _PROJECT,
         "dashboardUrl": "https://cloud.trigger.dev/errors/fp_1"},
    )  # fmt: skip

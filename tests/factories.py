"""Wire-form bodies for tests, built like the server builds them."""

from __future__ import annotations

from typing import Any


def run_list_item(run_id: str = "run_1", **changes: Any) -> dict[str, Any]:
    """A `runs.list` item as the server sends it, with ``changes`` applied."""
    item: dict[str, Any] = {
        "id": run_id,
        "status": "COMPLETED",
        "taskIdentifier": "t",
        "createdAt": "2025-01-01T00:00:00.000Z",
        "updatedAt": "2025-01-01T00:00:01.000Z",
        "isTest": False,
        "env": {"id": "env_1", "name": "prod"},
        "tags": ["b", "a"],
        "costInCents": 0,
        "baseCostInCents": 0,
        "durationMs": 1200,
        "depth": 0,
        "taskKind": "STANDARD",
        "isQueued": False,
        "isExecuting": False,
        "isWaiting": False,
        "isCompleted": True,
        "isFailed": False,
        "isSuccess": True,
        "isCancelled": False,
    }
    item.update(changes)
    return item


def retrieved_run(run_id: str = "run_1", **changes: Any) -> dict[str, Any]:
    """A `runs.retrieve` body with only what the official SDK requires, and ``changes``."""
    run: dict[str, Any] = {
        "id": run_id,
        "status": "COMPLETED",
        "taskIdentifier": "t",
        "createdAt": "2025-01-01T00:00:00.000Z",
        "updatedAt": "2025-01-01T00:00:01.000Z",
        "isTest": False,
        "tags": [],
        "costInCents": 0,
        "baseCostInCents": 0,
        "durationMs": 1200,
        "depth": 0,
        "triggerFunction": "trigger",
        "isQueued": False,
        "isExecuting": False,
        "isWaiting": False,
        "isCompleted": True,
        "isFailed": False,
        "isSuccess": True,
        "isCancelled": False,
        "relatedRuns": {},
    }
    run.update(changes)
    return run

"""Wire-form bodies for tests, built like the server builds them."""

from __future__ import annotations

from typing import Any


def _completed_run(run_id: str) -> dict[str, Any]:
    """The fields every run object has: a run that completed successfully."""
    return {
        "id": run_id,
        "status": "COMPLETED",
        "taskIdentifier": "t",
        "createdAt": "2025-01-01T00:00:00.000Z",
        "updatedAt": "2025-01-01T00:00:01.000Z",
        "isTest": False,
        "costInCents": 0,
        "baseCostInCents": 0,
        "durationMs": 1200,
        "depth": 0,
        "isQueued": False,
        "isExecuting": False,
        "isWaiting": False,
        "isCompleted": True,
        "isFailed": False,
        "isSuccess": True,
        "isCancelled": False,
    }


def run_list_item(run_id: str = "run_1", **changes: Any) -> dict[str, Any]:
    """A `runs.list` item as the server sends it, with ``changes`` applied."""
    item = _completed_run(run_id)
    item.update(env={"id": "env_1", "name": "prod"}, tags=["b", "a"], taskKind="STANDARD")
    item.update(changes)
    return item


def retrieved_run(run_id: str = "run_1", **changes: Any) -> dict[str, Any]:
    """A `runs.retrieve` body with only what the official SDK requires, and ``changes``."""
    run = _completed_run(run_id)
    run.update(tags=[], triggerFunction="trigger", relatedRuns={})
    run.update(changes)
    return run

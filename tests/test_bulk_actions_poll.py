"""`bulk_actions.poll`: retrieve a bulk action until it has finished, against a local server."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

import trigger_dev
from tests.support.clients import async_client, sync_client


def bulk_action(status: str, done: int, completed: bool = False) -> dict[str, Any]:
    return {
        "id": "bulk_1",
        "name": "cancel stuck runs",
        "type": "CANCEL",
        "status": status,
        "counts": {"total": 10, "success": done, "failure": 0},
        "createdAt": "2026-12-01T10:00:00.000Z",
        "completedAt": "2026-12-01T10:01:00.000Z" if completed else None,
    }


def progress(httpserver: HTTPServer, *sequence: tuple[str, int]) -> None:
    """Answer successive retrieves of bulk_1 with these (status, done) pairs; the last repeats."""
    remaining = list(sequence)

    def answer(_: Request) -> Response:
        status, done = remaining.pop(0) if len(remaining) > 1 else remaining[0]
        body = bulk_action(status, done, completed=status != "PENDING")
        return Response(json.dumps(body), content_type="application/json")

    httpserver.expect_request("/api/v1/bulk-actions/bulk_1").respond_with_handler(answer)


def test_poll_returns_the_action_once_it_has_finished(httpserver: HTTPServer) -> None:
    progress(httpserver, ("PENDING", 0), ("PENDING", 5), ("COMPLETED", 10))
    action = sync_client(httpserver.url_for("")).bulk_actions.poll("bulk_1", interval=0.01)
    assert action.status == "COMPLETED" and action.counts.success == 10
    assert len(httpserver.log) == 3


def test_poll_ends_on_abort_and_on_an_unknown_final_status(httpserver: HTTPServer) -> None:
    progress(httpserver, ("PENDING", 0), ("ABORTED", 3))
    assert sync_client(httpserver.url_for("")).bulk_actions.poll("bulk_1", interval=0.01).status == "ABORTED"
    httpserver.clear()
    progress(httpserver, ("SOMETHING_NEW", 3))
    action = sync_client(httpserver.url_for("")).bulk_actions.poll("bulk_1", interval=0.01)
    assert str(action.status) == "SOMETHING_NEW"  # an open enum: a new value stays readable


def test_poll_gives_up_with_a_clear_error(httpserver: HTTPServer) -> None:
    progress(httpserver, ("PENDING", 4))
    with pytest.raises(
        trigger_dev.PollTimeoutError,
        match=r"bulk action bulk_1 had not finished after 0\.\d s \(4 of 10 runs done\)",
    ) as caught:
        sync_client(httpserver.url_for("")).bulk_actions.poll("bulk_1", interval=0.02, timeout=0.1)
    error = caught.value
    assert (error.bulk_action_id, error.status, error.run_id) == ("bulk_1", "PENDING", "")
    assert isinstance(error, TimeoutError)


def test_poll_stops_on_not_found(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api/v1/bulk-actions/bulk_1").respond_with_json(
        {"error": "Not found"}, status=404
    )
    with pytest.raises(trigger_dev.NotFoundError):
        sync_client(httpserver.url_for("")).bulk_actions.poll("bulk_1", interval=0.01)
    assert len(httpserver.log) == 1


@pytest.mark.parametrize("arguments", [{"interval": 0}, {"timeout": -1}, {"interval": "1"}])
def test_poll_refuses_nonsense_waits(httpserver: HTTPServer, arguments: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="positive number of seconds"):
        sync_client(httpserver.url_for("")).bulk_actions.poll("bulk_1", **arguments)
    assert httpserver.log == []


def test_poll_async(httpserver: HTTPServer) -> None:
    progress(httpserver, ("PENDING", 1), ("COMPLETED", 10))

    async def main() -> Any:
        async with async_client(httpserver.url_for("")) as client:
            return await client.bulk_actions.poll("bulk_1", interval=0.01)

    assert asyncio.run(main()).counts.success == 10

"""`runs.poll`, `batches.retrieve` and `batches.trigger` (a batch across several tasks),
against a local server."""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

import trigger_dev
from tests.support.clients import async_client, sync_client
from tests.support.factories import retrieved_run
from trigger_dev import ArgumentTypeError


def statuses(httpserver: HTTPServer, *sequence: str) -> None:
    """Answer successive retrieves of run_1 with these statuses (the last one repeats)."""
    remaining = list(sequence)

    def answer(_: Request) -> Response:
        status = remaining.pop(0) if len(remaining) > 1 else remaining[0]
        completed = status in ("COMPLETED", "CANCELED", "FAILED", "CRASHED", "SYSTEM_FAILURE")
        body = retrieved_run("run_1", status=status, isCompleted=completed, isSuccess=status == "COMPLETED")
        return Response(json.dumps(body), content_type="application/json")

    httpserver.expect_request("/api/v3/runs/run_1").respond_with_handler(answer)


def test_poll_returns_the_run_once_it_has_finished(httpserver: HTTPServer) -> None:
    statuses(httpserver, "QUEUED", "EXECUTING", "EXECUTING", "COMPLETED")
    run = sync_client(httpserver.url_for("")).runs.poll("run_1", interval=0.01)
    assert run.status == "COMPLETED" and run.is_success
    assert len(httpserver.log) == 4


@pytest.mark.parametrize("final", ["EXPIRED", "TIMED_OUT", "CANCELED"])
def test_poll_ends_on_every_final_status(httpserver: HTTPServer, final: str) -> None:
    # EXPIRED and TIMED_OUT set none of the server's flags; the official SDK's poll spins on them.
    statuses(httpserver, "QUEUED", final)
    assert str(sync_client(httpserver.url_for("")).runs.poll("run_1", interval=0.01).status) == final


def test_poll_gives_up_with_a_clear_error(httpserver: HTTPServer) -> None:
    statuses(httpserver, "EXECUTING")
    with pytest.raises(
        trigger_dev.PollTimeoutError,
        match=r"run run_1 had not finished after 0\.\d s \(last status EXECUTING\)",
    ) as caught:
        sync_client(httpserver.url_for("")).runs.poll("run_1", interval=0.02, timeout=0.1)
    error = caught.value
    assert (error.run_id, error.status) == ("run_1", "EXECUTING") and isinstance(error, TimeoutError)
    assert 2 <= len(httpserver.log) <= 7


def test_poll_waits_out_a_rate_limit(httpserver: HTTPServer) -> None:
    httpserver.expect_ordered_request("/api/v3/runs/run_1").respond_with_json(
        {"error": "Rate limit"}, status=429, headers={"retry-after": "0"}
    )
    httpserver.expect_ordered_request("/api/v3/runs/run_1").respond_with_json(
        retrieved_run("run_1", isCompleted=True)
    )
    client = sync_client(httpserver.url_for(""), retry={"min_delay": 0.001})
    assert client.runs.poll("run_1", interval=0.01).id == "run_1"


@pytest.mark.parametrize("arguments", [{"interval": 0}, {"timeout": -1}])
def test_poll_refuses_nonsense_waits(httpserver: HTTPServer, arguments: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="positive number of seconds"):
        sync_client(httpserver.url_for("")).runs.poll("run_1", **arguments)
    assert httpserver.log == []


@pytest.mark.parametrize(
    ("arguments", "named"),
    [({"interval": "5"}, "runs.poll() interval"), ({"timeout": True}, "runs.poll() timeout")],
)
def test_poll_refuses_a_wait_that_is_not_a_number(
    httpserver: HTTPServer, arguments: dict[str, Any], named: str
) -> None:
    # One check for every duration argument: a wrong type is an ArgumentTypeError (a TypeError)
    # naming the argument, not the comparison's own TypeError.
    with pytest.raises(ArgumentTypeError, match=f"^{re.escape(named)} must be a positive number of seconds"):
        sync_client(httpserver.url_for("")).runs.poll("run_1", **arguments)
    assert httpserver.log == []


def test_poll_async(httpserver: HTTPServer) -> None:
    statuses(httpserver, "QUEUED", "COMPLETED")

    async def main() -> Any:
        async with async_client(httpserver.url_for("")) as client:
            return await client.runs.poll("run_1", interval=0.01)

    assert asyncio.run(main()).status == "COMPLETED"


# --- batches


BATCH = {
    "id": "batch_1",
    "status": "PARTIAL_FAILED",
    "createdAt": "2025-01-01T00:00:00.000Z",
    "updatedAt": "2025-01-01T00:00:05.000Z",
    "runCount": 3,
    "runs": ["run_1", "run_2"],
    "processing": {
        "completedAt": "2025-01-01T00:00:04.000Z",
        "errors": [
            {"index": 2, "taskIdentifier": "resize", "error": "Task not found", "errorCode": "TASK_NOT_FOUND"}
        ],
    },
}


def test_retrieve_a_batch(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api/v2/batches/batch_1").respond_with_json(BATCH)
    batch = sync_client(httpserver.url_for("")).batches.retrieve("batch_1")
    assert (batch.status, batch.runs, batch.run_count) == ("PARTIAL_FAILED", ["run_1", "run_2"], 3)
    assert batch.status == trigger_dev.models.BatchStatus.PARTIAL_FAILED
    assert batch.processing is not None
    (error,) = batch.processing.errors
    assert (error.index, error.task_identifier, error.error_code) == (2, "resize", "TASK_NOT_FOUND")


def test_a_batch_from_a_server_before_4_3(httpserver: HTTPServer) -> None:
    old = {k: v for k, v in BATCH.items() if k != "processing"} | {"status": "COMPLETED"}
    httpserver.expect_request("/api/v2/batches/batch_1").respond_with_json(old)
    batch = sync_client(httpserver.url_for("")).batches.retrieve("batch_1")
    assert batch.processing is None and batch.status == "COMPLETED"


def test_a_batch_across_tasks(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api/v3/batches", method="POST").respond_with_json(
        {"id": "batch_1", "runCount": 3, "isCached": False},
        status=202,
        headers={"x-trigger-jwt": "batch.token"},
    )
    httpserver.expect_request("/api/v3/batches/batch_1/items", method="POST").respond_with_json(
        {"id": "batch_1", "itemsAccepted": 3, "itemsDeduplicated": 0, "sealed": True}
    )
    batch = sync_client(httpserver.url_for("")).batches.trigger(
        [
            {"task": "send-email", "payload": {"to": "a@example.com"}},
            {"task": "resize-image", "payload": {"id": 7}, "options": {"tags": ["img"]}},
            {"task": "send-email", "payload": {"to": "b@example.com"}},
        ],
        options={"idempotency_key": "campaign-42"},
    )
    assert (batch.id, batch.run_count, batch.public_access_token) == ("batch_1", 3, "batch.token")
    create = json.loads(httpserver.log[0][0].get_data())
    assert create["taskIdentifiers"] == ["resize-image", "send-email"] and create["runCount"] == 3
    lines = [json.loads(line) for line in httpserver.log[1][0].get_data().splitlines()]
    assert [(line["index"], line["task"]) for line in lines] == [
        (0, "send-email"),
        (1, "resize-image"),
        (2, "send-email"),
    ]
    assert lines[1]["options"]["tags"] == ["img"] and all(
        len(line["options"]["idempotencyKey"]) == 64 for line in lines
    )


def test_batch_items_carry_their_key_as_the_official_batch_trigger_sends_it(httpserver: HTTPServer) -> None:
    """``batch.trigger`` (items naming their task) sends an item's key alone, while
    ``tasks.batchTrigger`` adds ``idempotencyKeyOptions``: the server stores the key's scope
    from it, so each call sends exactly what its official counterpart sends."""
    for path in ("/api/v3/batches", "/api/v3/batches/batch_1/items"):
        httpserver.expect_request(path, method="POST").respond_with_json(
            {
                "id": "batch_1",
                "runCount": 1,
                "isCached": False,
                "itemsAccepted": 1,
                "itemsDeduplicated": 0,
                "sealed": True,
            }
        )
    client = sync_client(httpserver.url_for(""))
    client.batches.trigger([{"task": "t", "payload": 1, "options": {"idempotency_key": ["charge", ""]}}])
    (line,) = [json.loads(text) for text in httpserver.log[1][0].get_data().splitlines()]
    assert line["options"] == {"idempotencyKey": hashlib.sha256(b"charge-").hexdigest()}
    client.tasks.batch_trigger("t", [{"payload": 1, "options": {"idempotency_key": ["charge", ""]}}])
    (line,) = [json.loads(text) for text in httpserver.log[3][0].get_data().splitlines()]
    assert line["options"]["idempotencyKeyOptions"] == {"key": "charge-", "scope": "run"}


@pytest.mark.parametrize(
    ("items", "message"),
    [
        ([{"payload": 1}], "items\\[0\\] needs 'task'"),
        ([{"task": "t", "payload": 1, "opts": {}}], "items\\[0\\] has unknown keys \\['opts'\\]"),
        ([], "takes 1 to 1000 items"),
    ],
)
def test_a_batch_across_tasks_refuses_bad_items(httpserver: HTTPServer, items: Any, message: str) -> None:
    with pytest.raises((TypeError, ValueError), match="batches.trigger\\(\\) " + message):
        sync_client(httpserver.url_for("")).batches.trigger(items)
    assert httpserver.log == []


def test_a_batch_across_tasks_async(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api/v3/batches", method="POST").respond_with_json(
        {"id": "batch_1", "runCount": 1, "isCached": True}, status=202
    )

    async def main() -> Any:
        async with async_client(httpserver.url_for("")) as client:
            return await client.batches.trigger([{"task": "t"}])

    batch = asyncio.run(main())
    assert batch.id == "batch_1" and batch.is_cached

"""AsyncTriggerClient: the sync client's behaviours (credentials, wire, retries, pagination
both ways, errors, raw responses) on the asyncio client, plus concurrency on one client and a
loop that stays responsive while a slow response is awaited."""

from __future__ import annotations

import asyncio
import gc
import json
import logging
import socket
import subprocess
import sys
import time
import warnings
from collections.abc import Coroutine, Iterator
from typing import Any, TypeVar

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response

import trigger_dev
from tests.support.clients import ACCESS_TOKEN, SECRET_KEY, AsyncWaits, async_client
from tests.support.factories import run_list_item
from tests.support.fault_server import fault_server, reset, respond
from tests.support.local_server import JsonHandler, serving
from trigger_dev import AsyncTriggerClient

T = TypeVar("T")
WELCOME_KEY_HASH = (
    "02675d0e9d13b3da58c522965632fcee15dd50c25a2eef06b0166bfbeeeae1cb"  # sha256("welcome-user_5678")
)


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coroutine)


@pytest.fixture
def waits() -> AsyncWaits:
    return AsyncWaits()


# --- credentials: refused before sending


def test_credential_mismatches_are_refused_before_sending(httpserver: HTTPServer) -> None:
    async def calls() -> None:
        pat = AsyncTriggerClient(access_token=ACCESS_TOKEN, base_url=httpserver.url_for(""))
        with pytest.raises(
            trigger_dev.AuthMethodError, match="runs.retrieve cannot be called with a personal access token"
        ):
            await pat.runs.retrieve("run_1")
        with pytest.raises(trigger_dev.AuthMethodError, match="needs 'project_ref', 'env'"):
            await pat.runs.list()
        with pytest.raises(trigger_dev.AuthMethodError, match="cannot take 'project_ref'"):
            await async_client(httpserver.url_for("")).runs.list(project_ref="proj_1")
        with pytest.raises(ValueError, match="at most 100"):
            await async_client(httpserver.url_for("")).runs.list(limit=500)

    run(calls())
    assert httpserver.log == []


def test_a_pool_manager_is_refused_with_what_to_pass_instead() -> None:
    with pytest.raises(TypeError, match="session=aiohttp.ClientSession"):
        AsyncTriggerClient(pool_manager=object())


# --- the wire


def test_trigger_sends_what_the_sync_client_sends(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api/v1/tasks/send email/trigger", method="POST").respond_with_json(
        {"id": "run_1", "isCached": False}
    )

    async def call() -> Any:
        async with async_client(httpserver.url_for("")) as client:
            return await client.tasks.trigger(
                "send email", {"to": "a"}, options={"idempotency_key": "welcome-user_5678", "queue": "emails"}
            )

    assert run(call()).id == "run_1"
    ((request, _),) = httpserver.log
    assert request.headers["x-trigger-api-version"] == "2025-07-16"
    assert request.headers["User-Agent"] == f"trigger-dev-python/{trigger_dev.__version__}"
    assert request.headers["Authorization"] == f"Bearer {SECRET_KEY}"
    assert int(request.headers["Content-Length"]) == len(request.get_data())
    assert json.loads(request.get_data()) == {
        "payload": {"to": "a"},
        "options": {
            "idempotencyKey": WELCOME_KEY_HASH,
            "idempotencyKeyOptions": {"key": "welcome-user_5678", "scope": "run"},
            "queue": {"name": "emails"},
        },
    }


def test_batch_trigger_uses_both_phases(httpserver: HTTPServer) -> None:
    httpserver.expect_ordered_request("/api/v3/batches").respond_with_json(
        {"id": "batch_1", "runCount": 2, "isCached": False}, status=202
    )
    httpserver.expect_ordered_request("/api/v3/batches/batch_1/items").respond_with_json(
        {"id": "batch_1", "itemsAccepted": 2, "itemsDeduplicated": 0, "sealed": True}
    )

    async def call() -> Any:
        return await async_client(httpserver.url_for("")).tasks.batch_trigger(
            "t", [{"payload": 1}, {"payload": 2}]
        )

    assert run(call()).run_count == 2
    assert httpserver.log[1][0].headers["Content-Type"] == "application/x-ndjson"


def test_timezones_send_no_credential(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api/v1/timezones").respond_with_json({"timezones": ["UTC"]})
    assert run(async_client(httpserver.url_for("")).schedules.timezones()).timezones == ["UTC"]
    assert "Authorization" not in httpserver.log[0][0].headers


# --- retries


def test_retries_back_off_and_keep_one_idempotency_key(httpserver: HTTPServer, waits: AsyncWaits) -> None:
    for status in (503, 502):
        httpserver.expect_ordered_request("/api/v1/tasks/t/trigger").respond_with_response(
            Response('{"error": "busy"}', status=status, content_type="application/json")
        )
    httpserver.expect_ordered_request("/api/v1/tasks/t/trigger").respond_with_json(
        {"id": "run_1", "isCached": False}
    )
    assert run(async_client(httpserver.url_for(""), waits=waits).tasks.trigger("t")).id == "run_1"
    assert waits == [1.0, 1.6]
    assert len({r.headers["x-trigger-request-idempotency-key"] for r, _ in httpserver.log}) == 1


def test_x_should_retry_false_and_plain_4xx_are_not_retried(
    httpserver: HTTPServer, waits: AsyncWaits
) -> None:
    httpserver.expect_request("/api/v1/runs/a/replay").respond_with_response(
        Response(
            '{"error": "no"}',
            status=500,
            headers={"x-should-retry": "false"},
            content_type="application/json",
        )
    )
    httpserver.expect_request("/api/v1/runs/b/replay").respond_with_response(
        Response('{"error": "Task not found"}', status=404, content_type="application/json")
    )
    client = async_client(httpserver.url_for(""), waits=waits)
    with pytest.raises(trigger_dev.InternalServerError):
        run(client.runs.replay("a"))
    with pytest.raises(trigger_dev.NotFoundError, match="Task not found"):
        run(client.runs.replay("b"))
    assert len(httpserver.log) == 2 and waits == []


def test_rate_limits_wait_as_asked_or_raise_at_once(httpserver: HTTPServer, waits: AsyncWaits) -> None:
    httpserver.expect_ordered_request("/api/v1/runs/r/replay").respond_with_response(
        Response("{}", status=429, headers={"retry-after": "2"})
    )
    httpserver.expect_ordered_request("/api/v1/runs/r/replay").respond_with_json({"id": "run_2"})
    httpserver.expect_ordered_request("/api/v1/runs/r/replay").respond_with_response(
        Response('{"error": "slow down"}', status=429, headers={"retry-after": "3600"})
    )
    client = async_client(httpserver.url_for(""), waits=waits)
    assert run(client.runs.replay("r")).id == "run_2"
    assert waits == [2.0]
    with pytest.raises(trigger_dev.RateLimitError) as caught:
        run(client.runs.replay("r"))
    assert caught.value.retry_after_seconds == pytest.approx(3600, abs=1)
    # The next call came within the 2 s the server asked for (the waits here take no time),
    # so it waited for the rest of them first; the 3600 s it was then asked for is refused.
    assert waits[0] == 2.0 and waits[1:] == [pytest.approx(2.0, abs=0.5)]


def test_connection_failures_are_retried_then_reported(waits: AsyncWaits) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    with pytest.raises(trigger_dev.ApiConnectionError) as caught:
        run(async_client(f"http://127.0.0.1:{port}", waits=waits).runs.replay("r"))
    assert not isinstance(caught.value, trigger_dev.ApiTimeoutError)
    assert waits == [1.0, 1.6, 2.56]


def test_a_reset_trigger_is_retried_with_the_same_key() -> None:
    with fault_server(reset, respond(200, {"id": "run_1", "isCached": False})) as server:
        client = async_client(server.url, retry={"min_delay": 0.001})
        assert run(client.tasks.trigger("t", {"n": 1})).id == "run_1"
    assert len({r.headers["x-trigger-request-idempotency-key"] for r in server.requests}) == 1


def test_a_silent_server_times_out() -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        url = f"http://127.0.0.1:{listener.getsockname()[1]}"
        client = async_client(url, timeout=0.05, retry={"max_attempts": 2, "min_delay": 0.001})
        with pytest.raises(trigger_dev.ApiTimeoutError, match="timed out after 0.05 s"):
            run(client.runs.replay("r"))


# --- pagination, both styles, both ways


RUN_IDS = [f"run_{i:03d}" for i in range(7)]


def cursor_page(after: str | None, before: str | None, size: int = 3) -> dict[str, Any]:
    if before is not None:
        end = RUN_IDS.index(before)
        start = max(0, end - size)
    else:
        start = RUN_IDS.index(after) + 1 if after else 0
        end = min(len(RUN_IDS), start + size)
    pagination = {}
    if end < len(RUN_IDS):
        pagination["next"] = RUN_IDS[end - 1]
    if start > 0:
        pagination["previous"] = RUN_IDS[start]
    return {"data": [run_list_item(i) for i in RUN_IDS[start:end]], "pagination": pagination}


@pytest.fixture
def paging_server(httpserver: HTTPServer) -> Iterator[str]:
    def runs(request: Any) -> Response:
        body = cursor_page(request.args.get("page[after]"), request.args.get("page[before]"))
        return Response(json.dumps(body), content_type="application/json")

    def schedules(request: Any) -> Response:
        page = int(request.args.get("page", 1))
        numbers = range((page - 1) * 3, min(7, page * 3))
        items: list[dict[str, Any]] = [
            {
                "id": f"sched_{n}", "type": "IMPERATIVE", "task": "t", "active": True,
                "generator": {"type": "CRON", "expression": "0 * * * *", "description": "hourly"},
                "timezone": "UTC", "nextRun": None, "nextRunEffectiveAt": None, "environments": [],
            }
            for n in numbers
        ]  # fmt: skip
        body = {"data": items, "pagination": {"currentPage": page, "totalPages": 3, "count": 7}}
        return Response(json.dumps(body), content_type="application/json")

    httpserver.expect_request("/api/v1/runs").respond_with_handler(runs)
    httpserver.expect_request("/api/v1/schedules").respond_with_handler(schedules)
    yield httpserver.url_for("")


def test_async_for_over_a_list_gives_every_item(paging_server: str) -> None:
    async def collect() -> list[str]:
        return [item.id async for item in async_client(paging_server).runs.list(limit=3)]

    assert run(collect()) == RUN_IDS


def test_cursor_pages_forward_and_back(paging_server: str) -> None:
    async def walk() -> list[list[str]]:
        first = await async_client(paging_server).runs.list(limit=3)
        assert isinstance(first, trigger_dev.AsyncCursorPage) and not first.has_previous_page()
        second = await first.get_next_page()
        third = await second.get_next_page()
        with pytest.raises(trigger_dev.NoSuchPageError):
            await third.get_next_page()
        back = await third.get_previous_page()
        return [[r.id for r in p.data] for p in (first, second, third, back)]

    assert run(walk()) == [RUN_IDS[0:3], RUN_IDS[3:6], RUN_IDS[6:], RUN_IDS[3:6]]


def test_numbered_pages_and_iter_pages(paging_server: str) -> None:
    async def walk() -> tuple[list[int], list[str], list[str]]:
        client = async_client(paging_server)
        first = await client.schedules.list(per_page=3)
        numbers = [page.current_page async for page in first.iter_pages()]
        everything = [s.id async for s in client.schedules.list(per_page=3)]
        previous = await (await first.get_next_page()).get_previous_page()
        return numbers, everything, [s.id for s in previous.data]

    numbers, everything, previous = run(walk())
    assert numbers == [1, 2, 3]
    assert everything == [f"sched_{n}" for n in range(7)]
    assert previous == ["sched_0", "sched_1", "sched_2"]


# --- raw responses and errors


def test_raw_responses(paging_server: str, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api/v3/runs/run_1").respond_with_json(run_list_item("run_1") | {
        "triggerFunction": "trigger", "attemptCount": 1, "attempts": [], "relatedRuns": {"children": []}
    }, headers={"x-request-id": "req_1"})  # fmt: skip

    async def calls() -> tuple[Any, Any]:
        client = async_client(paging_server)
        raw = await client.runs.with_raw_response.retrieve("run_1")
        raw_page = await client.runs.with_raw_response.list(limit=3)
        return raw, raw_page

    raw, raw_page = run(calls())
    assert (raw.status_code, raw.headers["x-request-id"], raw.parse().id) == (200, "req_1", "run_1")
    assert isinstance(raw_page.parse(), trigger_dev.AsyncCursorPage)


@pytest.mark.parametrize(
    ("status", "body", "error", "message"),
    [
        (401, '{"error": "Invalid API Key"}', trigger_dev.AuthenticationError, "Invalid API Key"),
        (422, '{"error": "Cannot reschedule"}', trigger_dev.UnprocessableEntityError, "Cannot reschedule"),
        (
            502,
            "<html><title>502 Bad Gateway</title></html>",
            trigger_dev.InternalServerError,
            "502 Bad Gateway",
        ),
    ],
)
def test_errors_map_as_on_the_sync_client(
    httpserver: HTTPServer, status: int, body: str, error: type[trigger_dev.ApiError], message: str
) -> None:
    httpserver.expect_request("/api/v1/runs/r/replay").respond_with_response(Response(body, status=status))
    with pytest.raises(error) as caught:
        run(async_client(httpserver.url_for(""), retry={"max_attempts": 1}).runs.replay("r"))
    assert caught.value.status == status and caught.value.message == message


def test_a_success_missing_required_fields_is_a_schema_error(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api/v1/runs/r/replay").respond_with_json({"identifier": "run_2"})
    with pytest.raises(trigger_dev.ApiSchemaValidationError, match="id: required field is missing"):
        run(async_client(httpserver.url_for("")).runs.replay("r"))


# --- concurrency and a responsive loop


class _Echo(JsonHandler):
    def do_POST(self) -> None:
        if "slow" in self.path:
            time.sleep(0.5)
        self.send_json(json.dumps({"id": f"replay-of-{self.path.split('/')[4]}"}))


def test_fifty_concurrent_calls_on_one_client() -> None:
    async def calls(url: str) -> list[tuple[str, str]]:
        async with async_client(url, retry={"max_attempts": 1}) as client:
            results = await asyncio.gather(*(client.runs.replay(f"run_{n}") for n in range(50)))
            return [(f"run_{n}", result.id) for n, result in enumerate(results)]

    with serving(_Echo) as url:
        results = run(calls(url))
    assert [got for _, got in results] == [f"replay-of-{asked}" for asked, _ in results]


def test_the_loop_keeps_running_while_a_slow_response_is_awaited() -> None:
    async def measure(url: str) -> tuple[int, float]:
        ticks = 0

        async def ticker() -> None:
            nonlocal ticks
            while True:
                await asyncio.sleep(0.01)
                ticks += 1

        ticking = asyncio.create_task(ticker())
        started = time.monotonic()
        async with async_client(url) as client:
            await client.runs.replay("slow")
        elapsed = time.monotonic() - started
        ticking.cancel()
        return ticks, elapsed

    with serving(_Echo) as url:
        ticks, elapsed = run(measure(url))
    assert elapsed >= 0.5
    assert ticks >= 20, f"the loop ran only {ticks} times in {elapsed:.2f} s"


def test_a_client_shared_by_one_asyncio_run_per_job_leaves_no_session_to_complain(
    httpserver: HTTPServer, caplog: pytest.LogCaptureFixture
) -> None:
    # A Celery task or a script calling asyncio.run per job: every job gets a session of its
    # own loop; the one of a closed loop is put away quietly, then and when the client goes.
    httpserver.expect_request("/api/v1/timezones").respond_with_json({"timezones": ["UTC"]})
    client = async_client(httpserver.url_for(""))
    sessions = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _ in range(3):
            assert run(client.schedules.timezones()).timezones == ["UTC"]
            session = client._client._transport._session
            assert session is not None
            sessions.append(session)
        del client
        gc.collect()
    assert len({id(session) for session in sessions}) == 3
    assert all(session.closed for session in sessions)
    assert [str(w.message) for w in caught if "nclosed" in str(w.message)] == []
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []


def test_a_client_dropped_unclosed_inside_its_loop_has_its_session_closed(
    httpserver: HTTPServer, caplog: pytest.LogCaptureFixture
) -> None:
    # A request handler that makes a client of its own and forgets `async with`.
    httpserver.expect_request("/api/v1/timezones").respond_with_json({"timezones": ["UTC"]})

    async def handler() -> Any:
        client = async_client(httpserver.url_for(""))
        await client.schedules.timezones()
        session = client._client._transport._session
        del client
        gc.collect()
        for _ in range(3):
            await asyncio.sleep(0)
        return session

    session = run(handler())
    gc.collect()
    assert session is not None and session.closed
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []


def test_a_session_of_a_loop_still_running_is_left_to_it(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api/v1/timezones").respond_with_json({"timezones": ["UTC"]})
    client = async_client(httpserver.url_for(""))
    loop = asyncio.new_event_loop()
    loop.run_until_complete(client.schedules.timezones())
    first = client._client._transport._session
    assert first is not None
    try:
        run(client.schedules.timezones())  # another loop, while the first is still open
        assert not first.closed  # that loop may still be using it
    finally:
        loop.run_until_complete(first.close())
        loop.close()


def test_the_sync_client_never_imports_aiohttp() -> None:
    probe = (
        "import sys, trigger_dev; c = trigger_dev.TriggerClient(secret_key='tr_dev_x'); c.runs; c.tasks; "
        "import trigger_dev.resources.runs; print('aiohttp' in sys.modules)"
    )
    output = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert output.stdout.strip() == "False"


def test_closing_closes_the_connections(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api/v1/timezones").respond_with_json({"timezones": []})

    async def use() -> AsyncTriggerClient:
        async with async_client(httpserver.url_for("")) as client:
            await client.schedules.timezones()
            return client

    client = run(use())
    session = client._client._transport._session
    assert session is not None and session.closed

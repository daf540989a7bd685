"""Retry rules, against a local server. Waits are recorded instead of slept, so each test
checks the exact wait the client chose and still runs in milliseconds."""

from __future__ import annotations

import email.utils
import logging
import socket
import time
from collections.abc import Iterator

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response

import trigger_dev
from tests.support.clients import SECRET_KEY, Waits, sync_client
from trigger_dev import TriggerClient
from trigger_dev._http.retry import RetryPolicy, requested_wait


@pytest.fixture
def waits() -> Waits:
    return Waits()


@pytest.fixture
def client(httpserver: HTTPServer, waits: Waits) -> Iterator[TriggerClient]:
    with sync_client(httpserver.url_for(""), waits=waits) as c:
        yield c


def respond_in_turn(httpserver: HTTPServer, path: str, *responses: Response) -> None:
    for response in responses:
        httpserver.expect_ordered_request(path).respond_with_response(response)


def json_response(status: int, body: str = '{"error": "x"}', **headers: str) -> Response:
    return Response(body, status=status, headers=headers, content_type="application/json")


OK_RUN = '{"id": "run_2"}'


def test_defaults_are_four_attempts_with_the_official_backoff(
    httpserver: HTTPServer, client: TriggerClient, waits: Waits
) -> None:
    httpserver.expect_request("/api/v1/runs/r/replay").respond_with_response(json_response(503))
    with pytest.raises(trigger_dev.InternalServerError):
        client.runs.replay("r")
    assert len(httpserver.log) == 4
    assert waits == [1.0, 1.6, 2.56]


def test_a_retried_call_succeeds_with_one_idempotency_key(
    httpserver: HTTPServer, client: TriggerClient, waits: Waits
) -> None:
    respond_in_turn(
        httpserver,
        "/api/v1/tasks/t/trigger",
        json_response(500),
        json_response(502),
        json_response(200, '{"id": "run_1", "isCached": false}'),
    )
    assert client.tasks.trigger("t", {"a": 1}).id == "run_1"
    keys = {request.headers["x-trigger-request-idempotency-key"] for request, _ in httpserver.log}
    assert len(httpserver.log) == 3 and len(keys) == 1
    bodies = {request.get_data() for request, _ in httpserver.log}
    assert len(bodies) == 1
    assert waits == [1.0, 1.6]


@pytest.mark.parametrize("status", [408, 409, 429, 500, 502, 503, 504, 520, 529, 599])
def test_retried_statuses(httpserver: HTTPServer, client: TriggerClient, status: int) -> None:
    respond_in_turn(httpserver, "/api/v1/runs/r/replay", json_response(status), json_response(200, OK_RUN))
    assert client.runs.replay("r").id == "run_2"
    assert len(httpserver.log) == 2


@pytest.mark.parametrize("status", [400, 401, 403, 404, 405, 413, 415, 422])
def test_other_client_errors_are_not_retried(
    httpserver: HTTPServer, client: TriggerClient, status: int
) -> None:
    httpserver.expect_request("/api/v1/runs/r/replay").respond_with_response(json_response(status))
    with pytest.raises(trigger_dev.ApiError) as caught:
        client.runs.replay("r")
    assert caught.value.status == status
    assert len(httpserver.log) == 1


def test_x_should_retry_true_retries_any_status(httpserver: HTTPServer, client: TriggerClient) -> None:
    respond_in_turn(
        httpserver,
        "/api/v3/runs/r",
        json_response(404, '{"error": "Not found"}', **{"x-should-retry": "true"}),
        json_response(404, '{"error": "Not found"}', **{"x-should-retry": "true"}),
        json_response(200, '{"error": "not a run"}'),
    )
    with pytest.raises(trigger_dev.ApiSchemaValidationError):
        client.runs.retrieve("r")
    assert len(httpserver.log) == 3


def test_x_should_retry_false_forbids_a_retry(httpserver: HTTPServer, client: TriggerClient) -> None:
    httpserver.expect_request("/api/v1/runs/r/replay").respond_with_response(
        json_response(500, **{"x-should-retry": "false"})
    )
    with pytest.raises(trigger_dev.InternalServerError):
        client.runs.replay("r")
    assert len(httpserver.log) == 1


def test_max_attempts_one_turns_retries_off_for_a_call(
    httpserver: HTTPServer, client: TriggerClient, waits: Waits
) -> None:
    httpserver.expect_request("/api/v1/runs/r/replay").respond_with_response(json_response(503))
    with pytest.raises(trigger_dev.InternalServerError):
        client.runs.replay("r", request_options={"retry": {"max_attempts": 1}})
    assert len(httpserver.log) == 1 and waits == []


def test_call_options_merge_over_client_options_key_by_key(httpserver: HTTPServer, waits: Waits) -> None:
    client = sync_client(
        httpserver.url_for(""), waits=waits, retry={"max_attempts": 3, "min_delay": 0.01, "factor": 3}
    )
    httpserver.expect_request("/api/v1/runs/r/replay").respond_with_response(json_response(503))
    with pytest.raises(trigger_dev.InternalServerError):
        client.runs.replay("r", request_options={"retry": {"min_delay": 0.1}})
    assert waits == [0.1, 0.3]  # factor and attempts from the client, the first wait from the call


def test_waits_are_capped_and_can_be_randomized(httpserver: HTTPServer, waits: Waits) -> None:
    client = sync_client(
        httpserver.url_for(""),
        waits=waits,
        retry={
            "max_attempts": 5,
            "min_delay": 1,
            "max_delay": 2,
            "factor": 2,
            "randomize": True,
        },
    )
    httpserver.expect_request("/api/v1/runs/r/replay").respond_with_response(json_response(503))
    with pytest.raises(trigger_dev.InternalServerError):
        client.runs.replay("r")
    assert len(waits) == 4
    assert 1.0 <= waits[0] < 2.0
    assert all(wait <= 2.0 for wait in waits)


def test_rate_limit_reset_in_epoch_milliseconds_sets_the_wait(
    httpserver: HTTPServer, client: TriggerClient, waits: Waits
) -> None:
    reset_ms = int((time.time() + 2.5) * 1000)
    respond_in_turn(
        httpserver,
        "/api/v1/runs/r/replay",
        json_response(429, **{"x-ratelimit-reset": str(reset_ms)}),
        json_response(200, OK_RUN),
    )
    client.runs.replay("r")
    assert 2.0 < waits[0] <= 2.5


def test_the_batch_limiters_epoch_seconds_and_retry_after(
    httpserver: HTTPServer, client: TriggerClient, waits: Waits
) -> None:
    reset_s = int(time.time()) + 4
    respond_in_turn(
        httpserver,
        "/api/v1/runs/r/replay",
        json_response(429, **{"x-ratelimit-reset": str(reset_s), "retry-after": "4"}),
        json_response(200, OK_RUN),
    )
    client.runs.replay("r")
    assert 2.9 < waits[0] <= 4.0


@pytest.mark.parametrize("header", ["3", "http-date"])
def test_retry_after_in_seconds_or_as_a_date(
    httpserver: HTTPServer, client: TriggerClient, waits: Waits, header: str
) -> None:
    value = email.utils.formatdate(time.time() + 3, usegmt=True) if header == "http-date" else header
    respond_in_turn(
        httpserver,
        "/api/v1/runs/r/replay",
        json_response(429, **{"retry-after": value}),
        json_response(200, OK_RUN),
    )
    client.runs.replay("r")
    assert 1.9 < waits[0] <= 3.0


def test_a_rate_limit_asking_for_too_long_raises_at_once(
    httpserver: HTTPServer, client: TriggerClient, waits: Waits
) -> None:
    httpserver.expect_request("/api/v1/runs/r/replay").respond_with_response(
        json_response(429, '{"error": "Rate limit exceeded"}', **{"retry-after": "3600"})
    )
    with pytest.raises(trigger_dev.RateLimitError) as caught:
        client.runs.replay("r")
    assert waits == [] and len(httpserver.log) == 1
    assert caught.value.retry_after_seconds == pytest.approx(3600, abs=1)
    assert caught.value.message == "Rate limit exceeded"


def test_a_rate_limit_without_a_hint_backs_off(
    httpserver: HTTPServer, client: TriggerClient, waits: Waits
) -> None:
    respond_in_turn(httpserver, "/api/v1/runs/r/replay", json_response(429), json_response(200, OK_RUN))
    client.runs.replay("r")
    assert waits == [1.0]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_a_refused_connection_is_retried_then_reported(waits: Waits) -> None:
    client = sync_client(f"http://127.0.0.1:{free_port()}", waits=waits)
    with pytest.raises(trigger_dev.ApiConnectionError) as caught:
        client.runs.replay("r")
    assert not isinstance(caught.value, trigger_dev.ApiTimeoutError)
    assert caught.value.status is None
    assert "refused" in str(caught.value).lower()
    assert waits == [1.0, 1.6, 2.56]


@pytest.fixture
def silent_server() -> Iterator[str]:
    """A listening socket that accepts connections and never answers."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"


def test_a_timeout_is_retried_then_reported(silent_server: str, waits: Waits) -> None:
    client = sync_client(silent_server, waits=waits, timeout=0.05, retry={"max_attempts": 2})
    started = time.monotonic()
    with pytest.raises(trigger_dev.ApiTimeoutError, match="timed out after 0.05 s without an answer"):
        client.runs.replay("r")
    assert len(waits) == 1
    assert time.monotonic() - started < 5


def test_each_retry_is_logged_without_the_key(
    httpserver: HTTPServer, client: TriggerClient, caplog: pytest.LogCaptureFixture
) -> None:
    respond_in_turn(httpserver, "/api/v1/runs/r/replay", json_response(503), json_response(200, OK_RUN))
    with caplog.at_level(logging.DEBUG, logger="trigger_dev"):
        client.runs.replay("r")
    messages = [record.getMessage() for record in caplog.records]
    assert "runs.replay: attempt 1 of 4 failed (status 503); retrying in 1.000 s" in messages
    assert any("POST /api/v1/runs/r/replay -> 200" in m for m in messages)
    assert all(SECRET_KEY not in m and "Bearer" not in m for m in messages)


def test_policy_rejects_nonsense() -> None:
    with pytest.raises(ValueError, match="max_attempts must be at least 1"):
        RetryPolicy(max_attempts=0)
    with pytest.raises(ValueError, match="factor must be at least 1"):
        TriggerClient(request_options={"retry": {"factor": 0.5}})


def test_unparseable_rate_limit_headers_are_ignored() -> None:
    assert requested_wait({"x-ratelimit-reset": "soon", "retry-after": "later"}) is None
    assert requested_wait({"retry-after": "nan"}) is None
    assert requested_wait({"retry-after": "-5"}) == 0.0


def test_of_two_stated_ends_the_earlier_is_waited_for() -> None:
    # The batch limiter rounds each up to a whole second from its own starting point.
    now = 1_800_000_000.25
    assert requested_wait({"x-ratelimit-reset": "1800000001", "retry-after": "1"}, now=now) == 0.75
    assert requested_wait({"x-ratelimit-reset": "1800000003", "retry-after": "1"}, now=now) == 1.0
    # A reset already passed (seconds, then milliseconds) is no end to wait for.
    assert requested_wait({"x-ratelimit-reset": "1800000000", "retry-after": "2"}, now=now) == 2.0
    assert requested_wait({"x-ratelimit-reset": "1800000000250"}, now=now) is None
    assert requested_wait({"x-ratelimit-reset": "1800000001250"}, now=now) == 1.0

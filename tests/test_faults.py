"""Servers that misbehave on purpose: the client retries what is safe to retry, never hangs,
and never turns one logical trigger into two runs."""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import json
import socket
import threading
import time
from collections.abc import Iterator

import pytest

import trigger_dev
from tests.support.clients import FAST_RETRIES, async_client, sync_client
from tests.support.fault_server import (
    close_without_answer,
    fault_server,
    http_response,
    reset,
    respond,
    slow_body,
    stall,
    truncated_body,
)

TRIGGERED = {"id": "run_1", "isCached": False}


@pytest.mark.parametrize(
    "fault", [reset, close_without_answer, truncated_body], ids=["reset", "closed", "truncated"]
)
def test_a_trigger_cut_off_after_the_server_read_it_is_retried_with_the_same_key(fault: object) -> None:
    with fault_server(fault, respond(200, TRIGGERED)) as server:  # type: ignore[arg-type]
        result = sync_client(server.url, retry=FAST_RETRIES).tasks.trigger("t", {"n": 1})
    assert result.id == "run_1"
    assert len(server.requests) == 2
    keys = {r.headers["x-trigger-request-idempotency-key"] for r in server.requests}
    assert len(keys) == 1, "the server can tell the retry is the same call, so the task runs once"
    assert server.requests[0].body == server.requests[1].body


@pytest.mark.parametrize(
    "fault", [reset, close_without_answer, truncated_body], ids=["reset", "closed", "truncated"]
)
def test_the_async_client_retries_the_same_faults(fault: object) -> None:
    # aiohttp reports a body cut short as a payload error: it is a network failure all the same.
    async def trigger() -> str:
        client = async_client(server.url, retry=FAST_RETRIES)
        try:
            return (await client.tasks.trigger("t", {"n": 1})).id
        finally:
            await client.close()

    with fault_server(fault, respond(200, TRIGGERED)) as server:  # type: ignore[arg-type]
        assert asyncio.run(trigger()) == "run_1"
    assert len(server.requests) == 2
    assert len({r.headers["x-trigger-request-idempotency-key"] for r in server.requests}) == 1


def test_faults_on_every_attempt_end_in_a_connection_error() -> None:
    with fault_server(reset) as server, pytest.raises(trigger_dev.ApiConnectionError) as caught:
        sync_client(server.url, retry=FAST_RETRIES).runs.replay("r")
    assert server.connections == 3
    assert caught.value.status is None


def test_slow_headers_time_out_per_attempt() -> None:
    with fault_server(stall(2)) as server:
        started = time.monotonic()
        with pytest.raises(trigger_dev.ApiTimeoutError):
            sync_client(server.url, timeout=0.1, retry=FAST_RETRIES).runs.replay("r")
        elapsed = time.monotonic() - started
    assert server.connections == 3
    assert elapsed < 1.5, f"three attempts of 0.1 s took {elapsed:.2f} s"


def test_a_slow_body_times_out_too() -> None:
    with fault_server(slow_body(2)) as server, pytest.raises(trigger_dev.ApiTimeoutError):
        sync_client(server.url, timeout=0.1, retry={"max_attempts": 1}).runs.replay("r")


def test_a_slow_body_within_the_timeout_is_fine() -> None:
    with fault_server(slow_body(0.05)) as server:
        assert sync_client(server.url, timeout=2, retry=FAST_RETRIES).runs.replay("r").id == "run_1"


def test_a_stale_pooled_connection_is_replaced_without_an_error() -> None:
    # The server says keep-alive, then closes the connection after answering; the pool still
    # holds it. The next call, with retries off, must not notice.
    with fault_server(respond(200, {"id": "run_1"}, close=False)) as server:
        client = sync_client(server.url, retry={"max_attempts": 1})
        assert client.runs.replay("a").id == "run_1"
        time.sleep(0.1)
        assert client.runs.replay("b").id == "run_1"
    assert server.connections == 2


def test_a_5xx_storm_is_bounded_in_attempts_and_time() -> None:
    with fault_server(respond(503, {"error": "overloaded"})) as server:
        started = time.monotonic()
        with pytest.raises(trigger_dev.InternalServerError, match="overloaded"):
            sync_client(server.url, retry={"max_attempts": 5, "min_delay": 0.01, "factor": 2}).runs.replay(
                "r"
            )
    assert server.connections == 5
    assert time.monotonic() - started < 2


def test_an_absurd_rate_limit_reset_is_not_slept() -> None:
    in_a_day_ms = str(int((time.time() + 86400) * 1000))
    with fault_server(respond(429, {"error": "slow down"}, {"x-ratelimit-reset": in_a_day_ms})) as server:
        started = time.monotonic()
        with pytest.raises(trigger_dev.RateLimitError) as caught:
            sync_client(server.url, retry=FAST_RETRIES).runs.replay("r")
    assert time.monotonic() - started < 1
    assert caught.value.retry_after_seconds == pytest.approx(86400, abs=5)
    assert server.connections == 1


def gzip_chunked(conn: socket.socket, stop: threading.Event) -> None:
    body = gzip.compress(json.dumps({"id": "run_1"}).encode())
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Encoding: gzip\r\n"
    head += b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(part), part) for part in (body[:7], body[7:]))
    conn.sendall(head + chunks + b"0\r\n\r\n")


def test_gzip_and_chunked_responses_are_decoded() -> None:
    with fault_server(gzip_chunked) as server:
        assert sync_client(server.url, retry=FAST_RETRIES).runs.replay("r").id == "run_1"
    assert server.requests[0].headers["accept-encoding"] == "gzip"


def test_a_response_without_a_reason_phrase_or_with_an_odd_status() -> None:
    def odd(conn: socket.socket, stop: threading.Event) -> None:
        conn.sendall(http_response(299, json.dumps({"id": "run_1"}), {"Connection": "close"}))

    with fault_server(odd) as server:
        assert sync_client(server.url, retry=FAST_RETRIES).runs.replay("r").id == "run_1"


def test_a_non_http_answer_is_a_connection_error() -> None:
    def garbage(conn: socket.socket, stop: threading.Event) -> None:
        conn.sendall(b"SSH-2.0-OpenSSH_9.0\r\n")

    with fault_server(garbage) as server, pytest.raises(trigger_dev.ApiConnectionError):
        sync_client(server.url, retry={"max_attempts": 1}).runs.replay("r")


@pytest.fixture
def full_backlog_url() -> Iterator[str]:
    """A listener that never accepts, its queue filled: new connections get no answer at all."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        port = listener.getsockname()[1]
        fillers = []
        for _ in range(4):
            filler = socket.socket()
            filler.setblocking(False)
            with contextlib.suppress(BlockingIOError):
                filler.connect(("127.0.0.1", port))
            fillers.append(filler)
        try:
            yield f"http://127.0.0.1:{port}"
        finally:
            for filler in fillers:
                filler.close()


def test_a_connection_that_cannot_be_opened_times_out_on_its_own_clock(full_backlog_url: str) -> None:
    client = sync_client(full_backlog_url, connect_timeout=0.1, timeout=60, retry=FAST_RETRIES)
    started = time.monotonic()
    with pytest.raises(trigger_dev.ApiTimeoutError, match="Could not connect within 0.1 s"):
        client.runs.replay("r")
    assert time.monotonic() - started < 2  # three attempts of 0.1 s, not of the 60 s read timeout

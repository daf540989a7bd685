"""`runs.stream`: output streams in both formats the server speaks, resumed after a dropped
connection, de-duplicated, sync and async; and the server-sent events parser under them."""

from __future__ import annotations

import asyncio
import json
import time
from collections import deque
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import trigger_dev
from tests.support.clients import AsyncWaits, Waits, async_client, sync_client
from tests.support.realtime_server import OutputStreamScript, RealtimeServer, realtime_server
from trigger_dev._realtime.sse import Event, EventParser

MODES = ["sync", "async"]


@pytest.fixture
def server() -> Any:
    with realtime_server() as state:
        yield state


def v1_script(count: int = 4, **settings: Any) -> OutputStreamScript:
    """Chunks ``{"n": i}`` under Redis-style ids, the last one plain text."""
    entries: list[tuple[str | None, list[str]]] = [
        (f"1767322800{i:03d}-0", [json.dumps({"n": i})]) for i in range(count - 1)
    ]
    entries.append((f"1767322800{count - 1:03d}-0", ["done"]))
    return OutputStreamScript("v1", entries=entries, **settings)


def v2_script(count: int = 4, **settings: Any) -> OutputStreamScript:
    records: list[tuple[int, Any]] = [(i, {"data": {"n": i}, "id": f"part{i:03d}"}) for i in range(count)]
    return OutputStreamScript("v2", records=records, **settings)


def read(
    mode: str,
    server: RealtimeServer,
    *,
    limit: int | None = None,
    waits: list[float] | None = None,
    **arguments: Any,
) -> tuple[list[Any], str | None, str]:
    """The chunks `runs.stream("run_1")` yields, its last event id and its version."""

    if mode == "sync":
        recorded = Waits()
        client = sync_client(server.base_url, waits=recorded)
        chunks = []
        try:
            with client.runs.stream("run_1", **arguments) as stream:
                for chunk in stream:
                    chunks.append(chunk)
                    if limit is not None and len(chunks) >= limit:
                        break
        finally:
            if waits is not None:
                waits.extend(recorded)
        return chunks, stream.last_event_id, stream.version

    async def main() -> tuple[list[Any], str | None, str]:
        recorded = AsyncWaits()
        client = async_client(server.base_url, waits=recorded)
        chunks = []
        try:
            async with client.runs.stream("run_1", **arguments) as stream:
                async for chunk in stream:
                    chunks.append(chunk)
                    if limit is not None and len(chunks) >= limit:
                        break
        finally:
            await client.close()
            if waits is not None:
                waits.extend(recorded)
        return chunks, stream.last_event_id, stream.version

    return asyncio.run(main())


def stream_requests(server: RealtimeServer) -> list[dict[str, str]]:
    return [
        {k.lower(): v for k, v in r.headers.items()}
        for r in server.requests
        if r.path.startswith("/realtime/v1/streams/")
    ]


@pytest.mark.parametrize("mode", MODES)
def test_a_v1_stream_from_start_to_end(mode: str, server: RealtimeServer) -> None:
    server.streams[("run_1", "default")] = v1_script()
    chunks, last_id, version = read(mode, server)
    assert chunks == [{"n": 0}, {"n": 1}, {"n": 2}, "done"]  # JSON decoded, text kept
    assert last_id == "1767322800003-0" and version == "v1"
    (headers,) = stream_requests(server)  # it ended when the server ended it: no reconnect
    assert headers["accept"] == "text/event-stream" and headers["accept-encoding"] == "identity"
    assert "last-event-id" not in headers and "timeout-seconds" not in headers


@pytest.mark.parametrize("mode", MODES)
def test_a_v2_stream_skips_repeats_commands_and_pings(mode: str, server: RealtimeServer) -> None:
    script = v2_script(3)
    script.records.insert(2, (2, {"data": {"n": 1}, "id": "part001"}))  # a writer's retry
    script.records[3:] = [(3, ("trim", "")), (4, {"data": {"n": 2}, "id": "part002"}), (5, "")]
    server.streams[("run_1", "default")] = script
    chunks, last_id, version = read(mode, server)
    assert chunks == [{"n": 0}, {"n": 1}, {"n": 2}]
    assert version == "v2" and last_id == "5"  # a control record still moves the position


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("version", ["v1", "v2"])
def test_a_dropped_stream_resumes_after_the_last_chunk(
    mode: str, version: str, server: RealtimeServer
) -> None:
    script = v1_script(6) if version == "v1" else v2_script(6)
    # v1: hang up after the ping and two chunks; v2 sends a ping before each batch.
    script.drop_after.append(2 if version == "v1" else 4)
    server.streams[("run_1", "default")] = script
    waits: list[float] = []
    chunks, _, _ = read(mode, server, waits=waits)
    expected: list[Any] = [{"n": i} for i in range(6)]
    if version == "v1":
        expected[-1] = "done"
    assert chunks == expected  # nothing twice, nothing lost
    first, second = stream_requests(server)
    assert "last-event-id" not in first
    assert second["last-event-id"] == ("1767322800001-0" if version == "v1" else "1")
    assert len(waits) == 1 and 0.05 <= waits[0] <= 0.1


def test_a_position_carries_over_to_a_new_stream(server: RealtimeServer) -> None:
    server.streams[("run_1", "default")] = v1_script()
    first, last_id, _ = read("sync", server, limit=2)
    rest, _, _ = read("sync", server, last_event_id=last_id)
    assert first + rest == [{"n": 0}, {"n": 1}, {"n": 2}, "done"]


def test_errors_worth_retrying_are_retried(server: RealtimeServer) -> None:
    server.streams[("run_1", "default")] = v1_script(2, statuses=deque([503, 429]))
    waits: list[float] = []
    chunks, _, _ = read("sync", server, waits=waits)
    assert chunks == [{"n": 0}, "done"]
    assert len(stream_requests(server)) == 3 and len(waits) == 2


@pytest.mark.parametrize("mode", MODES)
def test_an_unknown_run_is_not_retried(mode: str, server: RealtimeServer) -> None:
    with pytest.raises(trigger_dev.NotFoundError):
        read(mode, server)
    assert len(stream_requests(server)) == 1


def test_a_stream_without_positions_is_not_replayed(server: RealtimeServer) -> None:
    # A 4.0 server sends no ids: reopening would send every chunk again. Stop instead.
    script = OutputStreamScript(
        "v1", entries=[(None, [json.dumps(i)]) for i in range(5)], drop_after=deque([3])
    )
    server.streams[("run_1", "default")] = script
    client = sync_client(server.base_url)
    chunks: list[Any] = []
    with pytest.raises(trigger_dev.ApiConnectionError):
        for chunk in client.runs.stream("run_1"):
            chunks.append(chunk)
    assert chunks == [0, 1, 2]
    assert len(stream_requests(server)) == 1


def test_timeout_seconds_and_the_stream_key_are_sent(server: RealtimeServer) -> None:
    server.streams[("run_1", "openai")] = v1_script(1)
    client = sync_client(server.base_url)
    assert list(client.runs.stream("run_1", "openai", timeout_seconds=30)) == ["done"]
    (headers,) = stream_requests(server)
    assert headers["timeout-seconds"] == "30"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"timeout_seconds": 601}, "from 1 to 600"),
        ({"timeout_seconds": 0}, "from 1 to 600"),
        ({"key": ""}, "non-empty string"),
        ({"reconnect_timeout": -1}, "reconnect_timeout"),
        ({"key": ".."}, r"\.\."),
    ],
)
def test_bad_input_is_refused_before_sending(
    server: RealtimeServer, arguments: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        sync_client(server.base_url).runs.stream("run_1", **arguments)
    assert server.requests == []


@pytest.mark.parametrize("mode", MODES)
def test_leaving_the_loop_hangs_up(mode: str, server: RealtimeServer) -> None:
    server.streams[("run_1", "default")] = v1_script(60, pace=0.02)
    chunks, _, _ = read(mode, server, limit=2)
    assert chunks == [{"n": 0}, {"n": 1}]
    deadline = time.monotonic() + 3
    while not server.aborted and time.monotonic() < deadline:
        time.sleep(0.01)
    assert server.aborted == ["run_1/default"]  # the server saw the connection go


def test_a_stream_shows_no_secret(server: RealtimeServer) -> None:
    server.streams[("run_1", "default")] = v1_script(3)
    stream = sync_client(server.base_url, secret_key="tr_dev_hiddenSecret123").runs.stream("run_1")
    next(stream)
    assert "hiddenSecret" not in repr(stream) + repr(vars(stream))
    stream.close()


# ---------------------------------------------------------------------------------------
# The parser


def parse(*pieces: bytes) -> list[Event]:
    parser = EventParser()
    events = [event for piece in pieces for event in parser.feed(piece)]
    parser.finish()
    return events


def test_events_split_anywhere_parse_the_same() -> None:
    body = (
        "\ufeffid: 7\r\nevent: batch\r\ndata: a\r\ndata: b\u2028c\r\n\r\n: ping\n\ndata: é\r\rid\n\n".encode()
    )
    whole = parse(body)
    assert whole == [Event("a\nb\u2028c", "batch", "7"), Event("é", "message", "7")]
    for cut in range(1, len(body)):
        assert parse(body[:cut], body[cut:]) == whole, cut


@given(st.lists(st.binary(max_size=8), max_size=12))
def test_any_split_of_a_body_gives_the_same_events(pieces: list[bytes]) -> None:
    body = b"".join(pieces)
    assert parse(*pieces) == parse(body)


def test_an_id_with_nul_is_ignored_and_an_unfinished_event_dropped() -> None:
    assert parse(b"id: 1\ndata: x\n\nid: 2\x00\ndata: y\n\ndata: never") == [
        Event("x", id="1"),
        Event("y", id="1"),
    ]


def test_field_names_without_a_value() -> None:
    assert parse(b"data\ndata\n\nevent\ndata: z\n\n") == [Event("\n"), Event("z")]

"""Session channels and the chat client (issue 23) against a local stand-in of the server's
session routes (tests/support/session_server.py), sync and async: a send whose answer is
lost is retried with the same part id and delivered once; a stream cut in the middle of an
event resumes after the last ``seq_num`` read with nothing lost or read twice; a chat sends
the official agent's message envelope and ends its answer at ``turn-complete``."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import pytest

from tests.support.clients import FAST_RETRIES, AsyncWaits, Waits, async_client, sync_client
from tests.support.session_server import SECRET_KEY, State, serving
from trigger_dev import ArgumentTypeError, AuthenticationError, InvalidArgumentError
from trigger_dev._agents.records import RecordDecoder, SessionPart
from trigger_dev._realtime.sse import Event

MODES = ["sync", "async"]


@pytest.fixture
def stand_in() -> Iterator[tuple[str, State]]:
    with serving() as served:
        yield served


def _in_records(state: State, key: str) -> list[Any]:
    return [json.loads(json.loads(r["body"])["data"]) for r in state.channel(key, "in").records]


@pytest.mark.parametrize("mode", MODES)
def test_a_send_whose_answer_was_lost_is_delivered_once(mode: str, stand_in: tuple[str, State]) -> None:
    url, state = stand_in
    state.agent = False
    state.drop_answers = 1  # the first attempt is appended, then its answer is cut off
    if mode == "sync":
        client = sync_client(url, secret_key=SECRET_KEY, retry=FAST_RETRIES, waits=Waits())
        seq = client.sessions.open("chat_1").input.send({"text": "hi"})
    else:

        async def send() -> int | None:
            async with async_client(
                url, secret_key=SECRET_KEY, retry=FAST_RETRIES, waits=AsyncWaits()
            ) as client:
                return await client.sessions.open("chat_1").input.send({"text": "hi"})

        seq = asyncio.run(send())
    assert state.appends == 2  # the retry went out...
    assert _in_records(state, "chat_1") == [{"text": "hi"}]  # ...and was not appended again
    assert seq is None  # the retry lost the claim: the server answered without a seq
    assert state.channel("chat_1", "in").claimed and len(state.channel("chat_1", "in").claimed) == 1


def test_each_send_is_its_own_record_and_a_given_part_id_is_kept(stand_in: tuple[str, State]) -> None:
    url, state = stand_in
    state.agent = False
    channel = sync_client(url, secret_key=SECRET_KEY).sessions.open("chat_1").input
    assert channel.send("same") == 0
    assert channel.send("same") == 1
    assert channel.send("mine", part_id="order-1") == 2
    assert channel.send("mine", part_id="order-1") is None  # a repeat of the caller's own send
    assert _in_records(state, "chat_1") == ["same", "same", "mine"]
    assert [p.data for p in channel.read()] == ["same", "same", "mine"]
    assert [p.seq_num for p in channel.read(after=0)] == [1, 2]
    out = sync_client(url, secret_key=SECRET_KEY).sessions.open("chat_1").output
    assert out.append({"type": "text-delta", "delta": "from the backend"}) == 0
    assert [p.data for p in out.read()] == [{"type": "text-delta", "delta": "from the backend"}]


def _preload(state: State, count: int) -> None:
    state.agent = False
    state.batch_size = 3
    for n in range(count):
        state.append("chat_1", "out", json.dumps({"n": n}), f"part-{n}")
    state.append("chat_1", "out", None, "", [["trigger-control", "turn-complete"]])  # type: ignore[arg-type]


@pytest.mark.parametrize("mode", MODES)
def test_a_stream_cut_mid_event_resumes_with_nothing_lost_or_repeated(
    mode: str, stand_in: tuple[str, State]
) -> None:
    url, state = stand_in
    _preload(state, 10)
    state.cut_streams = 1  # the second batch is cut in half and the connection dropped
    if mode == "sync":
        client = sync_client(url, secret_key=SECRET_KEY, waits=Waits())
        with client.sessions.open("chat_1").output.subscribe(until_turn_complete=True) as stream:
            parts = list(stream)
    else:

        async def read() -> list[SessionPart]:
            async with async_client(url, secret_key=SECRET_KEY, waits=AsyncWaits()) as client:
                stream = client.sessions.open("chat_1").output.subscribe(until_turn_complete=True)
                async with stream:
                    return [part async for part in stream]

        parts = asyncio.run(read())
    assert [p.data for p in parts[:-1]] == [{"n": n} for n in range(10)]
    assert parts[-1].is_turn_complete and parts[-1].data is None
    assert state.stream_opens == [None, "2"]  # reopened after the last whole record read


def test_a_stream_goes_on_from_a_position_and_ends_when_the_server_ends_it(
    stand_in: tuple[str, State],
) -> None:
    url, state = stand_in
    _preload(state, 4)
    client = sync_client(url, secret_key=SECRET_KEY)
    stream = client.sessions.open("chat_1").output.subscribe(last_event_id=1, timeout_seconds=1)
    assert [p.data for p in stream] == [{"n": 2}, {"n": 3}, None]
    assert stream.last_event_id == "4"


def test_the_decoder_skips_store_commands_and_repeated_part_ids() -> None:
    records = [
        {"seq_num": 1, "headers": [["", "trim"]], "body": ""},
        {"seq_num": 2, "headers": [], "body": json.dumps({"data": '{"a":1}', "id": "p"})},
        {"seq_num": 3, "headers": [], "body": json.dumps({"data": '{"a":1}', "id": "p"})},
        {"seq_num": 4, "headers": [], "body": json.dumps({"data": {"b": 2}, "id": "q"})},
        {"seq_num": 5, "headers": [["trigger-control", "upgrade-required"]], "body": ""},
    ]
    decoder = RecordDecoder(None)
    parts = decoder.chunks(Event(json.dumps({"records": records}), "batch"))
    assert [(p.seq_num, p.data, p.control) for p in parts] == [
        (2, {"a": 1}, None),
        (4, {"b": 2}, None),
        (5, None, "upgrade-required"),
    ]
    assert decoder.last_event_id == "5"
    assert decoder.chunks(Event("{}", "ping")) == []


def test_bad_input_is_refused_before_sending(stand_in: tuple[str, State]) -> None:
    url, state = stand_in
    client = sync_client(url, secret_key=SECRET_KEY)
    with pytest.raises(InvalidArgumentError, match="session_id"):
        client.sessions.open("")
    channel = client.sessions.open("chat_1").input
    with pytest.raises(ArgumentTypeError, match="must be JSON"):
        channel.send(object())
    with pytest.raises(InvalidArgumentError, match="1 MiB"):
        channel.send("x" * (1024 * 1024))
    with pytest.raises(InvalidArgumentError, match="part_id"):
        channel.send(1, part_id="")
    with pytest.raises(InvalidArgumentError, match="timeout_seconds"):
        channel.subscribe(timeout_seconds=601)
    with pytest.raises(InvalidArgumentError, match="seq_num"):
        channel.read(after="x")
    with pytest.raises(InvalidArgumentError, match="agent"):
        client.sessions.chat("")
    with pytest.raises(InvalidArgumentError, match="text"):
        client.sessions.chat("support-agent").send_message("")
    assert state.appends == 0 and not state.sessions


def test_a_channels_errors_name_the_call_the_user_made(stand_in: tuple[str, State]) -> None:
    # The routes behind a channel have no public method of their own: an error names the
    # channel's method, as the user wrote it, not the route's internal name.
    url, _ = stand_in
    client = sync_client(url, secret_key="tr_dev_FAKE-not-the-stand-ins-key")
    channel = client.sessions.open("chat_1").input
    calls = {
        "sessions.open('chat_1').input.send": lambda: channel.send({"text": "hi"}),
        "sessions.open('chat_1').input.read": lambda: channel.read(),
        "sessions.open('chat_1').input.subscribe": lambda: next(iter(channel.subscribe())),
    }
    for name, call in calls.items():
        with pytest.raises(AuthenticationError) as raised:
            call()
        assert raised.value.operation == name
        assert str(raised.value).startswith(f"{name}: 401 ")


def test_a_chat_starts_its_session_sends_the_agents_envelope_and_reads_one_turn(
    stand_in: tuple[str, State],
) -> None:
    url, state = stand_in
    client = sync_client(url, secret_key=SECRET_KEY)
    chat = client.sessions.chat("support-agent", chat_id="chat_9", client_data={"user": "u1"})
    with chat.send_message("hello world") as turn:
        chunks = list(turn)
    assert chunks[0]["type"] == "start" and chunks[-1] == {"type": "finish"} and turn.complete
    assert "".join(c.get("delta", "") for c in chunks) == "You said: hello world"
    assert chat.session is not None and chat.session.external_id == "chat_9"
    (sent,) = _in_records(state, "chat_9")
    assert sent["kind"] == "message"
    payload = sent["payload"]
    assert payload["chatId"] == "chat_9" and payload["trigger"] == "submit-message"
    assert payload["metadata"] == {"user": "u1"}
    assert payload["message"]["role"] == "user"
    assert payload["message"]["parts"] == [{"type": "text", "text": "hello world"}]
    assert chat.send_message("again").text() == "You said: again"  # the next turn only
    position = chat.last_event_id
    # Another process resumes the conversation: with the saved position, or without it.
    for again in (
        client.sessions.chat("support-agent", chat_id="chat_9", last_event_id=position),
        client.sessions.chat("support-agent", chat_id="chat_9"),
    ):
        assert again.send_message("third").text() == "You said: third"
        assert again.session is not None and again.session.is_cached


def test_an_async_chat_reads_its_turns(stand_in: tuple[str, State]) -> None:
    url, _ = stand_in

    async def talk() -> list[str]:
        async with async_client(url, secret_key=SECRET_KEY) as client:
            chat = client.sessions.chat("support-agent")
            first = await chat.send_message("one")
            texts = [await first.text()]
            second = await chat.send_message("two three")
            chunks = [chunk async for chunk in second]
            texts.append("".join(c.get("delta", "") for c in chunks))
            return texts

    assert asyncio.run(talk()) == ["You said: one", "You said: two three"]

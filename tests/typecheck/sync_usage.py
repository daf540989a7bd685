"""`TriggerClient` and the module-level namespaces: pages, items, raw responses, streams."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any, assert_type

import trigger_dev
from trigger_dev import (
    AgentChat,
    ChatTurn,
    CursorPage,
    ItemOutcome,
    OffsetPage,
    OutputStream,
    RawResponse,
    RunSubscription,
    SessionChannel,
    SessionHandle,
    SessionPart,
    SessionStream,
    TriggerClient,
)
from trigger_dev.models import (
    CreateBatchResponse,
    EnvironmentVariable,
    ListRunItem,
    OkResponse,
    PromptSummary,
    RealtimeRun,
    ResolvedPrompt,
    Run,
    RunStatusLiteral,
    Schedule,
    Session,
    SessionStatusLiteral,
    StartedSession,
    TriggerTaskResponse,
    WaitpointTokenItem,
)
from trigger_dev.types import BatchTaskItem


def pages(client: TriggerClient) -> None:
    page = client.runs.list(limit=10, status=["FAILED"])
    assert_type(page, CursorPage[ListRunItem])
    assert_type(page.data, list[ListRunItem])
    assert_type(page.next_cursor, str | None)
    assert_type(page.has_next_page(), bool)
    assert_type(page.get_next_page(), CursorPage[ListRunItem])
    assert_type(page.get_previous_page(), CursorPage[ListRunItem])
    for each in page.iter_pages():
        assert_type(each, CursorPage[ListRunItem])
    for run in client.runs.list():
        assert_type(run, ListRunItem)
        assert_type(run.status, RunStatusLiteral)
        assert_type(run.created_at, datetime.datetime)

    schedules = client.schedules.list(per_page=50)
    assert_type(schedules, OffsetPage[Schedule])
    assert_type(schedules.total_pages, int)
    for schedule in schedules:
        assert_type(schedule, Schedule)
    for token in client.waitpoints.list_tokens(status=["WAITING"]):
        assert_type(token, WaitpointTokenItem)


def module_level() -> None:
    for run in trigger_dev.runs.list(tag=["onboarding"]):
        assert_type(run, ListRunItem)
    assert_type(trigger_dev.runs.retrieve("run_1"), Run)


def calls(client: TriggerClient) -> None:
    handle = client.tasks.trigger("send-welcome-email", {"userId": "user_1"}, options={"machine": "small-1x"})
    assert_type(handle, TriggerTaskResponse)
    assert_type(client.runs.retrieve(handle.id), Run)
    assert_type(client.runs.poll(handle.id, timeout=60), Run)
    assert_type(client.envvars.list("proj_1", "prod"), list[EnvironmentVariable])


def raw_responses(client: TriggerClient) -> None:
    raw = client.runs.with_raw_response.list(limit=10)
    assert_type(raw, RawResponse[CursorPage[ListRunItem]])
    assert_type(raw.parse(), CursorPage[ListRunItem])
    assert_type(raw.status_code, int)
    assert_type(client.runs.with_raw_response.retrieve("run_1").parse(), Run)


def subscriptions(client: TriggerClient) -> None:
    with client.runs.subscribe_to_run("run_1") as subscription:
        assert_type(subscription, RunSubscription)
        for snapshot in subscription:
            assert_type(snapshot, RealtimeRun)
            assert_type(snapshot.status, RunStatusLiteral)
    for snapshot in client.runs.subscribe_to_runs_with_tag("onboarding"):
        assert_type(snapshot, RealtimeRun)
    assert_type(next(client.runs.subscribe_to_batch("batch_1")), RealtimeRun)


def output_streams(client: TriggerClient) -> None:
    with client.runs.stream("run_1", "openai") as stream:
        assert_type(stream, OutputStream)
        for chunk in stream:
            assert_type(chunk, Any)  # decoded JSON (or text): whatever the task wrote


def session_channels(client: TriggerClient) -> None:
    session = client.sessions.open("chat_1")
    assert_type(session, SessionHandle)
    assert_type(session.input, SessionChannel)
    assert_type(session.input.send({"kind": "stop"}), int | None)
    assert_type(session.output.read(after=3), list[SessionPart])
    with session.output.subscribe(until_turn_complete=True) as stream:
        assert_type(stream, SessionStream)
        for part in stream:
            assert_type(part, SessionPart)
            assert_type(part.seq_num, int)
            assert_type(part.control, str | None)
    assert_type(trigger_dev.sessions.open("chat_1"), SessionHandle)
    session.input.send("hi", part_id=1)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]


def chats(client: TriggerClient) -> None:
    chat = client.sessions.chat("support-agent", chat_id="chat_1")
    assert_type(chat, AgentChat)
    turn = chat.send_message("Hello")
    assert_type(turn, ChatTurn)
    for chunk in turn:
        assert_type(chunk, dict[str, Any])
    assert_type(turn.text(), str)
    assert_type(chat.last_event_id, str | None)


def rows() -> Iterator[BatchTaskItem]:
    for n in range(10):
        yield {"task": "import-row", "payload": {"row": n}}


def bulk(client: TriggerClient) -> None:
    for outcome in client.batches.trigger_many(rows(), idempotency_key="backfill-1"):
        assert_type(outcome, ItemOutcome)
        assert_type(outcome.run_id, str | None)
        assert_type(outcome.error, Exception | None)
    assert_type(client.batches.trigger([{"task": "import-row", "payload": {}}]), CreateBatchResponse)
    assert_type(client.tasks.batch_trigger("import-row", [{"payload": {}}]), CreateBatchResponse)


def public_tokens(client: TriggerClient) -> None:
    assert_type(client.auth.create_public_token(scopes={"read": {"runs": True}}), str)
    assert_type(client.auth.create_trigger_public_token("send-email", expiration="1h"), str)
    assert_type(client.auth.create_batch_trigger_public_token(["a", "b"], multiple_use=True), str)


def agents(client: TriggerClient) -> None:
    started = client.sessions.start(
        "support-agent",
        type="chat.agent",
        external_id="chat_1",
        trigger_config={"base_payload": {"chatId": "chat_1"}},
    )
    assert_type(started, StartedSession)
    assert_type(started.public_access_token, str)
    assert_type(started.pending_version, bool | None)
    assert_type(client.sessions.retrieve("chat_1").current_run_id, str | None)
    for session in client.sessions.list(status="ACTIVE"):
        assert_type(session, Session)
    assert_type(client.sessions.list(status="CLOSED"), CursorPage[Session])
    assert_type(client.sessions.close(started.id, reason="done").closed_at, datetime.datetime | None)
    assert_type(client.runs.send_input(started.run_id, "approval", {"approved": True}), OkResponse)
    assert_type(client.prompts.resolve("support-reply", variables={"name": "Ada"}).data, ResolvedPrompt)
    assert_type(client.prompts.list().data, list[PromptSummary])
    assert_type(client.prompts.create_override("support-reply", "Hi").version, int)
    status: SessionStatusLiteral = "EXPIRED"
    client.sessions.list(status=status)
    client.sessions.list(status="OPEN")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    client.sessions.start("t", type="x", trigger_config={"basePayload": {}})  # type: ignore[typeddict-unknown-key]  # pyright: ignore[reportArgumentType]

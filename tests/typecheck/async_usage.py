"""`AsyncTriggerClient`: what ``await`` and ``async for`` give, typed as the sync calls are."""

from __future__ import annotations

import asyncio
from typing import Any, assert_type

from trigger_dev import (
    AsyncAgentChat,
    AsyncChatTurn,
    AsyncCursorPage,
    AsyncOffsetPage,
    AsyncOutputStream,
    AsyncPaginator,
    AsyncRunSubscription,
    AsyncSessionChannel,
    AsyncSessionHandle,
    AsyncSessionStream,
    AsyncTriggerClient,
    ItemOutcome,
    RawResponse,
    SessionPart,
)
from trigger_dev.models import (
    BulkAction,
    CreateBatchResponse,
    Deployment,
    ListRunItem,
    Queue,
    RealtimeRun,
    Run,
    RunStatusLiteral,
    Schedule,
    WaitpointTokenItem,
)


async def pages(client: AsyncTriggerClient) -> None:
    paginator = client.runs.list(status=["FAILED"])
    assert_type(paginator, AsyncPaginator[AsyncCursorPage[ListRunItem], ListRunItem])
    async for run in client.runs.list(status=["FAILED"]):
        assert_type(run, ListRunItem)
        assert_type(run.status, RunStatusLiteral)

    page = await client.runs.list(limit=10)
    assert_type(page, AsyncCursorPage[ListRunItem])
    assert_type(page.data, list[ListRunItem])
    assert_type(await page.get_next_page(), AsyncCursorPage[ListRunItem])
    assert_type(await page.get_previous_page(), AsyncCursorPage[ListRunItem])
    async for each in page.iter_pages():
        assert_type(each, AsyncCursorPage[ListRunItem])
    async for run in page:
        assert_type(run, ListRunItem)

    schedules = await client.schedules.list(per_page=50)
    assert_type(schedules, AsyncOffsetPage[Schedule])
    async for schedule in client.schedules.list():
        assert_type(schedule, Schedule)
    async for queue in client.queues.list():
        assert_type(queue, Queue)
    async for deployment in client.deployments.list():
        assert_type(deployment, Deployment)
    async for action in client.bulk_actions.list():
        assert_type(action, BulkAction)
    async for token in client.waitpoints.list_tokens(status=["WAITING", "TIMED_OUT"]):
        assert_type(token, WaitpointTokenItem)


async def calls(client: AsyncTriggerClient) -> None:
    handle = await client.tasks.trigger("send-welcome-email", {"userId": "user_1"})
    assert_type(await client.runs.retrieve(handle.id), Run)
    assert_type(await client.runs.poll(handle.id), Run)
    # What these return is a coroutine (not only an awaitable): a task can be made of it.
    assert_type(await asyncio.create_task(client.runs.poll(handle.id)), Run)


async def raw_responses(client: AsyncTriggerClient) -> None:
    raw = await client.runs.with_raw_response.list(limit=10)
    assert_type(raw, RawResponse[AsyncCursorPage[ListRunItem]])
    assert_type(raw.parse(), AsyncCursorPage[ListRunItem])
    assert_type((await client.runs.with_raw_response.retrieve("run_1")).parse(), Run)


async def subscriptions(client: AsyncTriggerClient) -> None:
    async with client.runs.subscribe_to_run("run_1") as subscription:
        assert_type(subscription, AsyncRunSubscription)
        async for snapshot in subscription:
            assert_type(snapshot, RealtimeRun)
            assert_type(snapshot.status, RunStatusLiteral)
    async for snapshot in client.runs.subscribe_to_runs_with_tag(["onboarding"]):
        assert_type(snapshot, RealtimeRun)
    async for snapshot in client.runs.subscribe_to_batch("batch_1"):
        assert_type(snapshot, RealtimeRun)


async def output_streams(client: AsyncTriggerClient) -> None:
    async with client.runs.stream("run_1") as stream:
        assert_type(stream, AsyncOutputStream)
        async for chunk in stream:
            assert_type(chunk, Any)  # decoded JSON (or text): whatever the task wrote


async def session_channels(client: AsyncTriggerClient) -> None:
    session = client.sessions.open("chat_1")
    assert_type(session, AsyncSessionHandle)
    assert_type(session.output, AsyncSessionChannel)
    assert_type(await session.input.send({"kind": "stop"}), int | None)
    assert_type(await session.output.read(), list[SessionPart])
    async with session.output.subscribe(last_event_id="4") as stream:
        assert_type(stream, AsyncSessionStream)
        async for part in stream:
            assert_type(part, SessionPart)
            assert_type(part.data, Any)


async def chats(client: AsyncTriggerClient) -> None:
    chat = client.sessions.chat("support-agent")
    assert_type(chat, AsyncAgentChat)
    turn = await chat.send_message("Hello")
    assert_type(turn, AsyncChatTurn)
    async for chunk in turn:
        assert_type(chunk, dict[str, Any])
    assert_type(await turn.text(), str)


async def bulk(client: AsyncTriggerClient) -> None:
    async for outcome in client.batches.trigger_many([{"task": "import-row", "payload": {}}]):
        assert_type(outcome, ItemOutcome)
        assert_type(outcome.batch_id, str | None)
    assert_type(await client.batches.trigger([{"task": "import-row", "payload": {}}]), CreateBatchResponse)
    assert_type(await client.tasks.batch_trigger("import-row", [{"payload": {}}]), CreateBatchResponse)


async def public_tokens(client: AsyncTriggerClient) -> None:
    assert_type(await client.auth.create_public_token(scopes={"read": {"runs": True}}), str)
    assert_type(await client.auth.create_trigger_public_token("send-email", expiration="1h"), str)
    assert_type(await client.auth.create_batch_trigger_public_token(["a", "b"], multiple_use=True), str)

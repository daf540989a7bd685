"""Sessions, prompts and input streams (issue 23): every operation through the public surface
against the Prism mock (cassettes), then against local servers for what a mock cannot show:
credentials and input refused before sending, the async client, paging through sessions, and
sends the server cannot de-duplicate never delivered twice."""

from __future__ import annotations

import asyncio
import datetime
import json
from collections.abc import Iterator
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

import trigger_dev
from tests.support.clients import ACCESS_TOKEN, FAST_RETRIES, ORG_TOKEN, async_client, sync_client
from tests.support.fault_server import close_without_answer, fault_server, reset, respond
from trigger_dev import AuthMethodError, TriggerClient
from trigger_dev.models import MachinePreset, SessionStatus

UTC = datetime.timezone.utc


def session_body(number: int = 1, **changes: Any) -> dict[str, Any]:
    """A session as the server sends it (4.5.12), with ``changes`` on top."""
    body: dict[str, Any] = {
        "id": f"session_{number:04d}",
        "externalId": f"chat_{number}",
        "type": "chat.agent",
        "taskIdentifier": "support-agent",
        "triggerConfig": {"basePayload": {"chatId": f"chat_{number}"}},
        "currentRunId": "run_1234abcd",
        "tags": [],
        "metadata": None,
        "closedAt": None,
        "closedReason": None,
        "expiresAt": None,
        "createdAt": "2025-01-01T00:00:00.000Z",
        "updatedAt": "2025-01-01T00:00:00.000Z",
    }
    body.update(changes)
    return body


# --- every operation against the mock (cassettes)


@pytest.mark.vcr
def test_start_session_sends_the_trigger_config_in_wire_form(sk_client: TriggerClient) -> None:
    session = sk_client.sessions.start(
        "support-agent",
        type="chat.agent",
        external_id="chat_42",
        trigger_config={
            "base_payload": {"chatId": "chat_42"},
            "machine": MachinePreset.SMALL_1X,
            "max_attempts": 3,
            "idle_timeout_in_seconds": 300,
        },
        tags=["user_5678"],
        metadata={"plan": "pro"},
        expires_at=datetime.datetime(2025, 2, 1, tzinfo=UTC),
    )
    assert session.id == "session_1234abcd"
    assert session.run_id == "run_1234abcd"
    assert session.is_cached is True
    assert session.trigger_config is not None
    assert session.trigger_config.base_payload == {"chatId": "chat_42"}
    assert session.pending_version is None  # a 4.5 server does not send it
    assert "<public access token>" not in repr(session)


@pytest.mark.vcr
def test_retrieve_session(sk_client: TriggerClient) -> None:
    session = sk_client.sessions.retrieve("chat_42")
    assert session.external_id == "chat_42"
    assert session.current_run_id == "run_1234abcd"
    assert session.closed_at is None


@pytest.mark.vcr
def test_update_session(sk_client: TriggerClient) -> None:
    session = sk_client.sessions.update(
        "session_1234abcd", tags=["user_5678", "vip"], metadata={"plan": "enterprise"}
    )
    assert session.tags == ["user_5678", "vip"]
    assert session.metadata == {"plan": "enterprise"}


@pytest.mark.vcr
def test_close_session(sk_client: TriggerClient) -> None:
    session = sk_client.sessions.close("chat_42", reason="user left")
    assert session.closed_reason == "user left"
    assert session.closed_at == datetime.datetime(2025, 1, 1, 1, 0, tzinfo=UTC)


@pytest.mark.vcr
def test_close_session_without_a_reason_sends_an_empty_body(sk_client: TriggerClient) -> None:
    assert sk_client.sessions.close("chat_42").id == "session_1234abcd"


@pytest.mark.vcr
def test_list_sessions_encodes_filters(sk_client: TriggerClient) -> None:
    page = sk_client.sessions.list(
        limit=10,
        type="chat.agent",
        tag="user_5678",
        task_identifier="support-agent",
        status=SessionStatus.ACTIVE,
        from_=datetime.datetime(2025, 1, 1, tzinfo=UTC),
        to=1767225600000,
    )
    assert [session.id for session in page.data] == ["session_1234abcd"]
    assert page.data[0].trigger_config is None  # list items leave it out
    assert page.next_cursor == "session_1234abcd"


@pytest.mark.vcr
def test_send_input(sk_client: TriggerClient) -> None:
    assert sk_client.runs.send_input("run_1234abcd", "approval", {"approved": True}).ok is True


@pytest.mark.vcr
def test_resolve_prompt(sk_client: TriggerClient) -> None:
    resolved = sk_client.prompts.resolve("support-reply", variables={"name": "Ada"}, label="current").data
    assert resolved.text == "Hello Ada, thanks for writing."
    assert resolved.version == 3
    assert resolved.config == {"temperature": 0.2}


@pytest.mark.vcr
def test_list_prompts(sk_client: TriggerClient) -> None:
    (prompt,) = sk_client.prompts.list().data
    assert prompt.slug == "support-reply"
    assert prompt.current_version == 3
    assert prompt.has_override is False


@pytest.mark.vcr
def test_list_prompt_versions(sk_client: TriggerClient) -> None:
    (version,) = sk_client.prompts.versions("support-reply").data
    assert version.version == 3
    assert version.source == "code"
    assert version.commit_message is None


@pytest.mark.vcr
def test_promote_prompt_version(sk_client: TriggerClient) -> None:
    assert sk_client.prompts.promote("support-reply", 2).ok is True


@pytest.mark.vcr
def test_create_prompt_override(sk_client: TriggerClient) -> None:
    created = sk_client.prompts.create_override(
        "support-reply", "Hi {{name}}!", model="gpt-4o", commit_message="shorter"
    )
    assert created.version == 4


@pytest.mark.vcr
def test_update_prompt_override(sk_client: TriggerClient) -> None:
    assert sk_client.prompts.update_override("support-reply", text_content="Hey {{name}}!").ok is True


@pytest.mark.vcr
def test_remove_prompt_override(sk_client: TriggerClient) -> None:
    assert sk_client.prompts.remove_override("support-reply").ok is True


@pytest.mark.vcr
def test_reactivate_prompt_override(sk_client: TriggerClient) -> None:
    assert sk_client.prompts.reactivate_override("support-reply", 4).ok is True


@pytest.mark.vcr
def test_raw_response_of_a_session(sk_client: TriggerClient) -> None:
    raw = sk_client.sessions.with_raw_response.retrieve("chat_42")
    assert raw.status_code == 200
    assert raw.parse().id == "session_1234abcd"


# --- credentials and input refused before sending


@pytest.fixture
def silent(httpserver: HTTPServer) -> Iterator[HTTPServer]:
    yield httpserver
    assert httpserver.log == [], "a refused call must not reach the server"


CALLS = {
    "sessions.start": lambda c: c.sessions.start("t", type="chat.agent", trigger_config={"base_payload": {}}),
    "sessions.retrieve": lambda c: c.sessions.retrieve("session_1"),
    "sessions.update": lambda c: c.sessions.update("session_1", tags=["a"]),
    "sessions.close": lambda c: c.sessions.close("session_1"),
    "sessions.list": lambda c: c.sessions.list(),
    "runs.send_input": lambda c: c.runs.send_input("run_1", "approval", {"ok": True}),
    "prompts.resolve": lambda c: c.prompts.resolve("p"),
    "prompts.list": lambda c: c.prompts.list(),
    "prompts.versions": lambda c: c.prompts.versions("p"),
    "prompts.promote": lambda c: c.prompts.promote("p", 1),
    "prompts.create_override": lambda c: c.prompts.create_override("p", "text"),
    "prompts.update_override": lambda c: c.prompts.update_override("p", model="m"),
    "prompts.remove_override": lambda c: c.prompts.remove_override("p"),
    "prompts.reactivate_override": lambda c: c.prompts.reactivate_override("p", 1),
}


@pytest.mark.parametrize("name", sorted(CALLS))
@pytest.mark.parametrize("token", [ACCESS_TOKEN, ORG_TOKEN], ids=["pat", "oat"])
def test_only_a_secret_key_is_sent(silent: HTTPServer, name: str, token: str) -> None:
    client = sync_client(silent.url_for(""), secret_key=token)
    with pytest.raises(AuthMethodError) as caught:
        CALLS[name](client)
    assert caught.value.operation == name
    assert str(caught.value).endswith("it takes secret key.")


@pytest.mark.parametrize(
    ("call", "words"),
    [
        (lambda c: c.sessions.retrieve(""), "empty"),
        (lambda c: c.sessions.retrieve(".."), "'..'"),
        (lambda c: c.sessions.close(".", reason="x"), "'.'"),
        (lambda c: c.runs.send_input("run_1", "..", 1), "'..'"),
        (lambda c: c.runs.send_input(" ", "approval", 1), "empty"),
        (lambda c: c.prompts.resolve(""), "empty"),
        (lambda c: c.sessions.close("session_1", reason="x" * 257), "256"),
        (lambda c: c.prompts.promote("p", 0), "1"),
        (lambda c: c.sessions.update("session_1", tags=[f"t{i}" for i in range(11)]), "10"),
        (
            lambda c: c.sessions.start(
                "t", type="chat.agent", trigger_config={"base_payload": {}}, external_id="session_x"
            ),
            "session_",
        ),
        (
            lambda c: c.sessions.start("t", type="", trigger_config={"base_payload": {}}),
            "argument .type.",
        ),
        (
            lambda c: c.sessions.start(
                "t", type="chat.agent", trigger_config={"base_payload": {}, "max_attempts": 11}
            ),
            "10",
        ),
        (lambda c: c.prompts.create_override("p", "text", source="code"), "code"),
    ],
)
def test_bad_input_is_refused_before_sending(silent: HTTPServer, call: Any, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        call(sync_client(silent.url_for("")))


def test_an_input_over_the_routes_limit_is_refused_before_sending(silent: HTTPServer) -> None:
    client = sync_client(silent.url_for(""))
    with pytest.raises(ValueError, match="1,048,576") as caught:
        client.runs.send_input("run_1", "approval", "x" * (1024 * 1024))
    assert "POST /realtime/v1/streams/{run_id}/input/{stream}" in str(caught.value)
    with pytest.raises(ValueError, match="32,768"):
        client.sessions.update("session_1", metadata={"blob": "x" * 40_000})


def test_the_trigger_config_refuses_unknown_keys(silent: HTTPServer) -> None:
    with pytest.raises(TypeError, match="base_payload"):
        sync_client(silent.url_for("")).sessions.start(
            "t",
            type="chat.agent",
            trigger_config={"basePayload": {}},  # type: ignore[typeddict-unknown-key]
        )


def test_a_server_older_than_the_route_is_named(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api/v1/sessions/chat_42").respond_with_data("Not Found", status=404)
    with pytest.raises(trigger_dev.NotFoundError, match="served from Trigger.dev 4.4.5"):
        sync_client(httpserver.url_for(""), attempts=1).sessions.retrieve("chat_42")


# --- the async client and the module level


def test_the_async_client_starts_and_sends(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api/v1/sessions", method="POST").respond_with_json(
        {**session_body(), "runId": "run_1", "publicAccessToken": "tok", "isCached": False}, status=201
    )
    httpserver.expect_request("/realtime/v1/streams/run_1/input/approval", method="POST").respond_with_json(
        {"ok": True}
    )

    async def run() -> tuple[str, bool]:
        client = async_client(httpserver.url_for(""))
        try:
            started = await client.sessions.start(
                "support-agent",
                type="chat.agent",
                trigger_config={"base_payload": {"chatId": "chat_1"}},
            )
            sent = await client.runs.send_input(started.run_id, "approval", {"approved": True})
            return started.run_id, sent.ok
        finally:
            await client.close()

    assert asyncio.run(run()) == ("run_1", True)
    start, send = (request for request, _ in httpserver.log)
    assert json.loads(start.data) == {
        "taskIdentifier": "support-agent",
        "type": "chat.agent",
        "triggerConfig": {"basePayload": {"chatId": "chat_1"}},
    }
    assert json.loads(send.data) == {"data": {"approved": True}}


def test_the_module_level_calls(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api/v1/prompts").respond_with_json({"data": []})
    trigger_dev.configure(secret_key="tr_dev_fakeKey", base_url=httpserver.url_for(""))
    assert trigger_dev.prompts.list().data == []
    assert trigger_dev.prompts.with_raw_response.list().status_code == 200


# --- paging through sessions

SESSION_NUMBERS = list(range(1, 8))  # newest first


def session_pages(request: Request) -> Response:
    """Cursor pages over SESSION_NUMBERS, the cursor being the last id of the page, as the
    server's repository pages."""
    size = int(request.args.get("page[size]", 20))
    after = request.args.get("page[after]")
    start = SESSION_NUMBERS.index(int(after.removeprefix("session_"))) + 1 if after else 0
    end = min(len(SESSION_NUMBERS), start + size)
    pagination = {"next": f"session_{SESSION_NUMBERS[end - 1]:04d}"} if end < len(SESSION_NUMBERS) else {}
    if start > 0:
        pagination["previous"] = f"session_{SESSION_NUMBERS[start]:04d}"
    items = [session_body(n, triggerConfig=None) for n in SESSION_NUMBERS[start:end]]
    for item in items:
        del item["triggerConfig"], item["currentRunId"]  # list items leave them out
    return Response(json.dumps({"data": items, "pagination": pagination}), content_type="application/json")


def test_sessions_list_pages_through_every_session(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api/v1/sessions").respond_with_handler(session_pages)
    client = sync_client(httpserver.url_for(""))
    sessions = list(client.sessions.list(limit=3, status="ACTIVE"))
    assert [s.id for s in sessions] == [f"session_{n:04d}" for n in SESSION_NUMBERS]
    assert len(httpserver.log) == 3
    assert all(
        r.args["filter[status]"] == "ACTIVE" and r.args["page[size]"] == "3" for r, _ in httpserver.log
    )


def test_async_sessions_list_pages_through_every_session(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api/v1/sessions").respond_with_handler(session_pages)

    async def collect() -> list[str]:
        client = async_client(httpserver.url_for(""))
        try:
            return [s.id async for s in await client.sessions.list(limit=4)]
        finally:
            await client.close()

    assert asyncio.run(collect()) == [f"session_{n:04d}" for n in SESSION_NUMBERS]


# --- sends the server cannot de-duplicate are never delivered twice


@pytest.mark.parametrize("fault", [reset, close_without_answer], ids=["reset", "closed"])
def test_an_unanswered_input_is_not_sent_again(fault: Any) -> None:
    with fault_server(fault, respond(200, {"ok": True})) as server:
        client = sync_client(server.url, retry=FAST_RETRIES)
        with pytest.raises(trigger_dev.ApiConnectionError) as caught:
            client.runs.send_input("run_1", "approval", {"approved": True})
    assert len(server.requests) == 1, "the server keeps every send: a resend would deliver it twice"
    assert caught.value.attempts == 1
    assert "may have reached the server" in str(caught.value)
    assert "runs.send_input" in str(caught.value)


def test_the_async_client_does_not_send_an_unanswered_input_again() -> None:
    async def send() -> None:
        client = async_client(server.url, retry=FAST_RETRIES)
        try:
            await client.runs.send_input("run_1", "approval", {"approved": True})
        finally:
            await client.close()

    with (
        fault_server(close_without_answer, respond(200, {"ok": True})) as server,
        pytest.raises(trigger_dev.ApiConnectionError, match="may have reached the server"),
    ):
        asyncio.run(send())
    assert len(server.requests) == 1


def test_an_input_refused_before_the_route_ran_is_sent_again() -> None:
    # A 429 comes from the rate limiter, before the route: nothing was appended.
    with fault_server(
        respond(429, {"error": "slow down"}, {"retry-after": "0"}), respond(200, {"ok": True})
    ) as server:
        assert sync_client(server.url, retry=FAST_RETRIES).runs.send_input("run_1", "approval", 1).ok
    assert len(server.requests) == 2


def test_an_input_failing_in_the_route_is_not_sent_again() -> None:
    with (
        fault_server(respond(500, {"error": "boom"}), respond(200, {"ok": True})) as server,
        pytest.raises(trigger_dev.InternalServerError),
    ):
        sync_client(server.url, retry=FAST_RETRIES).runs.send_input("run_1", "approval", 1)
    assert len(server.requests) == 1


def test_an_input_that_could_not_connect_is_sent_again() -> None:
    with fault_server(respond(200, {"ok": True})) as server:
        url = server.url
    # Nothing listens there any more: refused before anything was sent, so every attempt is made.
    with pytest.raises(trigger_dev.ApiConnectionError) as caught:
        sync_client(url, retry=FAST_RETRIES).runs.send_input("run_1", "approval", 1)
    assert caught.value.attempts == 3


class SessionStandIn:
    """Starts sessions as the server does: one per ``externalId`` (a second start with the same
    id returns the first, cached), a new one for every start without."""

    def __init__(self) -> None:
        self.sessions: dict[str, dict[str, Any]] = {}
        self.created = 0

    def start(self, body: dict[str, Any]) -> dict[str, Any]:
        external_id = body.get("externalId")
        if external_id in self.sessions:
            return {**self.sessions[external_id], "isCached": True}
        self.created += 1
        session = {
            **session_body(self.created, externalId=external_id),
            "runId": f"run_{self.created}",
            "publicAccessToken": "tok",
        }
        if external_id is not None:
            self.sessions[external_id] = session
        return {**session, "isCached": False}


def test_a_start_with_an_external_id_is_sent_again_and_the_server_converges() -> None:
    stand_in = SessionStandIn()

    def accept_then_hang_up(conn: Any, stop: Any) -> None:
        stand_in.start(json.loads(server.requests[-1].body))  # taken, but the answer is lost

    def answer(conn: Any, stop: Any) -> None:
        respond(200, stand_in.start(json.loads(server.requests[-1].body)))(conn, stop)

    with fault_server(accept_then_hang_up, answer) as server:
        started = sync_client(server.url, retry=FAST_RETRIES).sessions.start(
            "support-agent",
            type="chat.agent",
            external_id="chat_9",
            trigger_config={"base_payload": {}},
        )
    assert len(server.requests) == 2
    assert server.requests[0].body == server.requests[1].body
    assert started.is_cached is True and stand_in.created == 1, "one session, one run"


def test_a_start_without_an_external_id_is_not_sent_again() -> None:
    with (
        fault_server(close_without_answer, respond(201, {})) as server,
        pytest.raises(trigger_dev.ApiConnectionError, match="may have reached the server"),
    ):
        sync_client(server.url, retry=FAST_RETRIES).sessions.start(
            "support-agent", type="chat.agent", trigger_config={"base_payload": {}}
        )
    assert len(server.requests) == 1


def test_a_closed_session_is_not_started_again() -> None:
    with (
        fault_server(respond(409, {"error": "Session is closed"})) as server,
        pytest.raises(trigger_dev.ConflictError),
    ):
        sync_client(server.url, retry=FAST_RETRIES).sessions.start(
            "t", type="chat.agent", external_id="chat_1", trigger_config={"base_payload": {}}
        )
    assert len(server.requests) == 1

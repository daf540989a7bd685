"""Waitpoint tokens, idempotency keys, queues, run metadata and tags, deployments, bulk actions
and query: what the client does beyond sending the arguments, against local servers.

The wire form of an ordinary call is pinned by the cassettes in test_operations.py; here are
the encodings the server reads in its own way (queue names), the fields the client decodes
(waitpoint outputs, stored metadata), the checks made before sending, and the statuses that
are answered differently (a 409 that is final, a 404 from a server older than the route).
"""

from __future__ import annotations

import asyncio
import datetime
import hashlib
import json
import re
import threading
import urllib.parse
from collections.abc import Iterator
from typing import Any, ClassVar

import jwt
import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

import trigger_dev
from tests.support.clients import FAST_RETRIES, SECRET_KEY, async_client, sync_client
from tests.support.local_server import JsonHandler, serving
from trigger_dev import ConflictError, NotFoundError, SchemaError, UnprocessableEntityError
from trigger_dev.models import QueueLookupType

UTC = datetime.timezone.utc
SIGNING_KEY = "tr_dev_fake-key-long-enough-to-sign-with"

QUEUE = {
    "id": "queue_1",
    "name": "emails",
    "type": "custom",
    "running": 0,
    "queued": 3,
    "paused": False,
    "concurrencyLimit": 5,
}
TOKEN = {
    "id": "waitpoint_1",
    "url": "https://api.example/callback",
    "status": "COMPLETED",
    "tags": [],
    "createdAt": "2025-01-01T00:00:00.000Z",
}


@pytest.fixture
def client(httpserver: HTTPServer) -> Iterator[trigger_dev.TriggerClient]:
    with sync_client(httpserver.url_for(""), retry=FAST_RETRIES) as made:
        yield made


@pytest.fixture
def quiet(httpserver: HTTPServer) -> Iterator[HTTPServer]:
    """A server that must receive nothing: for calls refused before sending."""
    yield httpserver
    assert httpserver.log == [], "a refused call must not reach the server"


def body_of(httpserver: HTTPServer, index: int = -1) -> Any:
    return json.loads(httpserver.log[index][0].get_data())


# --- queue names in the path, decoded the way the server decodes them


class QueueNameServer(JsonHandler):
    """Reads the queue segment as the webapp does: the router decodes it once, the route
    turns a literal ``%2F`` into ``/``, and a task or custom name is decoded once more
    (``decodeURIComponent``, which refuses a stray ``%`` with a 500)."""

    names: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        path, _, query = self.path.partition("?")
        segment = path.removeprefix("/api/v1/queues/")
        value = urllib.parse.unquote(segment, errors="strict").replace("%2F", "/")
        if urllib.parse.parse_qs(query).get("type", ["id"])[0] != "id":
            if re.search(r"%(?![0-9A-Fa-f]{2})", value):  # decodeURIComponent throws on a stray %
                self.send_json(json.dumps({"error": "Internal Server Error"}), 500)
                return
            value = urllib.parse.unquote(value, errors="strict")
        self.names.append(value)
        self.send_json(json.dumps({**QUEUE, "name": value}))


@pytest.mark.parametrize(
    "name", ["emails", "team/emails", "50%off", "x%2Fy", "a b", "ünïcödé/名前", "100%", "%%", "a/b/c"]
)
def test_queue_names_reach_the_server_intact(name: str) -> None:
    with serving(QueueNameServer) as url, sync_client(url, attempts=1) as client:
        assert client.queues.retrieve(name, type="custom").name == name
        assert client.queues.retrieve(name, type=QueueLookupType.TASK).name == name


def test_a_slash_is_escaped_twice_on_the_wire(
    httpserver: HTTPServer, client: trigger_dev.TriggerClient
) -> None:
    httpserver.expect_request("/api/v1/queues/team%2Femails").respond_with_json(
        QUEUE
    )  # as the server decodes it
    client.queues.retrieve("team/emails", type="task")
    raw_uri = httpserver.log[0][0].environ["REQUEST_URI"]
    assert raw_uri == "/api/v1/queues/team%252Femails?type=task"


def test_pause_and_resume_send_their_action(
    httpserver: HTTPServer, client: trigger_dev.TriggerClient
) -> None:
    for name in ("emails", "queue_1"):
        httpserver.expect_request(f"/api/v1/queues/{name}/pause", method="POST").respond_with_json(
            {**QUEUE, "paused": True}
        )
    assert client.queues.pause("emails", type="custom").paused is True
    assert body_of(httpserver) == {"type": "custom", "action": "pause"}
    client.queues.resume("queue_1")
    assert body_of(httpserver) == {"action": "resume"}
    with pytest.raises(TypeError, match="action"):
        client.queues.pause("queue_1", action="resume")  # type: ignore[call-arg]


@pytest.mark.parametrize(
    ("arguments", "error", "message"),
    [
        ({}, TypeError, "takes exactly one of 'concurrency_limit' and 'percent'; got neither"),
        ({"concurrency_limit": 2, "percent": 50}, TypeError, "got both 'concurrency_limit' and 'percent'"),
        ({"percent": 0}, ValueError, "'percent' must be more than 0, got 0"),
        ({"percent": 100.5}, ValueError, "'percent' must be at most 100"),
        ({"concurrency_limit": -1}, ValueError, "'concurrency_limit' must be at least 0"),
        ({"concurrency_limit": 1.5}, TypeError, "'concurrency_limit' must be an int"),
        (
            {"concurrency_limit": 1, "type": "name"},
            ValueError,
            "'type' must be one of 'id', 'task', 'custom'",
        ),
    ],
)
def test_a_concurrency_override_is_checked_before_sending(
    quiet: HTTPServer, arguments: dict[str, Any], error: type[Exception], message: str
) -> None:
    client = sync_client(quiet.url_for(""))
    with pytest.raises(
        error, match="queues.override_concurrency_limit\\(\\).*" + message.replace("(", "\\(")
    ):
        client.queues.override_concurrency_limit("queue_1", **arguments)


def test_a_route_newer_than_the_server_says_so_in_its_404(
    httpserver: HTTPServer, client: trigger_dev.TriggerClient
) -> None:
    httpserver.expect_request("/api/v1/queues/queue_1/concurrency/reset").respond_with_json(
        {"error": "Not found"}, status=404
    )
    with pytest.raises(NotFoundError) as caught:
        client.queues.reset_concurrency_limit("queue_1")
    assert str(caught.value) == (
        "queues.reset_concurrency_limit: 404 Not Found: Not found (POST "
        "/api/v1/queues/{queue}/concurrency/reset is served from "
        "Trigger.dev 4.0.5; an older server answers 404 for the route itself)"
    )
    httpserver.expect_request("/api/v1/queues/queue_1").respond_with_json(
        {"error": "queue-not-found"}, status=404
    )
    with pytest.raises(NotFoundError) as plain:
        client.queues.retrieve("queue_1")
    assert (
        str(plain.value) == "queues.retrieve: 404 Not Found: queue-not-found"
    )  # served by every supported server


# --- waitpoint tokens


def test_create_token_encodes_its_options(httpserver: HTTPServer, client: trigger_dev.TriggerClient) -> None:
    httpserver.expect_request("/api/v1/waitpoints/tokens", method="POST").respond_with_json(
        {"id": "waitpoint_1", "isCached": False, "url": "u"}, headers={"x-trigger-jwt": "server.made.token"}
    )
    token = client.waitpoints.create_token(timeout=datetime.timedelta(hours=2), tags=["a"])
    assert body_of(httpserver) == {"timeout": "7200s", "tags": ["a"]}
    assert token.public_access_token == "server.made.token"
    client.waitpoints.create_token(timeout=datetime.datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC))
    assert body_of(httpserver) == {"timeout": "2030-01-02T03:04:05+00:00"}
    client.waitpoints.create_token(idempotency_key="approve-42", idempotency_key_ttl="1d")
    assert body_of(httpserver) == {"idempotencyKey": "approve-42", "idempotencyKeyTTL": "1d"}  # not hashed


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"timeout": "soon"}, "'timeout' must be a duration such as \"1h\""),
        (
            {"idempotency_key_ttl": "1w"},
            "'idempotency_key_ttl' must be a whole number and one unit of s, m, h or d",
        ),
        ({"idempotency_key_ttl": "1h30m"}, "'idempotency_key_ttl' must be a whole number"),
        ({"tags": [str(i) for i in range(11)]}, "'tags' takes at most 10 items, got 11"),
        ({"tags": ["x" * 129]}, "'tags'\\[0\\] must be at most 128 characters"),
        ({"idempotency_key": "k" * 2049}, "'idempotency_key' must be at most 2048 characters"),
    ],
)
def test_create_token_refuses_what_the_server_would_ignore_or_refuse(
    quiet: HTTPServer, arguments: dict[str, Any], message: str
) -> None:
    with pytest.raises(ValueError, match="waitpoints.create_token\\(\\) argument " + message):
        sync_client(quiet.url_for("")).waitpoints.create_token(**arguments)


def test_without_the_jwt_header_the_client_signs_a_day_long_completion_token(httpserver: HTTPServer) -> None:
    claims = {"sub": "env_1", "pub": True}
    httpserver.expect_request("/api/v1/waitpoints/tokens").respond_with_json(
        {"id": "waitpoint_1", "isCached": True, "url": "u"},
        headers={"x-trigger-jwt-claims": json.dumps(claims)},
    )
    token = sync_client(httpserver.url_for(""), secret_key=SIGNING_KEY).waitpoints.create_token()
    decoded = jwt.decode(
        token.public_access_token or "",
        SIGNING_KEY,
        algorithms=["HS256"],
        issuer="https://id.trigger.dev",
        audience="https://api.trigger.dev",
    )
    assert decoded["scopes"] == ["write:waitpoints:waitpoint_1"]
    assert (decoded["sub"], decoded["pub"]) == ("env_1", True)
    assert decoded["exp"] - decoded["iat"] == 24 * 3600


STORE_PATH = "waitpoint_1/token.json"


@pytest.mark.parametrize(
    ("output_type", "output", "expected"),
    [
        ("application/super+json", '{"json":{"approved":true,"by":"ana"}}', {"approved": True, "by": "ana"}),
        ("application/json", '{"approved": true}', {"approved": True}),
        ("application/json; charset=utf-8", "[1, 2]", [1, 2]),
        ("text/plain", "approved", "approved"),
        ("application/x-unknown", "<raw>", "<raw>"),
        (None, '{"a": 1}', {"a": 1}),  # no type named: JSON when it reads as JSON
        (None, "plain words", "plain words"),
    ],
)
def test_retrieve_token_decodes_the_output(
    httpserver: HTTPServer,
    client: trigger_dev.TriggerClient,
    output_type: str | None,
    output: str,
    expected: Any,
) -> None:
    body = {**TOKEN, "output": output, "outputIsError": False}
    if output_type is not None:
        body["outputType"] = output_type
    httpserver.expect_request("/api/v1/waitpoints/tokens/waitpoint_1").respond_with_json(body)
    assert client.waitpoints.retrieve_token("waitpoint_1").output == expected
    raw = client.waitpoints.with_raw_response.retrieve_token("waitpoint_1")
    assert raw.json()["output"] == output  # the wire form stays available
    assert raw.parse().output == expected


def test_a_timed_out_token_carries_the_error_as_its_output(
    httpserver: HTTPServer, client: trigger_dev.TriggerClient
) -> None:
    error = {
        "code": "TRIGGER_WAITPOINT_TIMEOUT",
        "message": "Waitpoint timed out at 2025-01-02T00:00:00.000Z",
    }
    httpserver.expect_request("/api/v1/waitpoints/tokens/waitpoint_1").respond_with_json(
        {
            **TOKEN,
            "status": "TIMED_OUT",
            "output": json.dumps(error),
            "outputType": "application/json",
            "outputIsError": True,
        }
    )
    token = client.waitpoints.retrieve_token("waitpoint_1")
    assert (token.status, token.output_is_error, token.output) == ("TIMED_OUT", True, error)


def test_an_output_that_breaks_its_type_is_reported(
    httpserver: HTTPServer, client: trigger_dev.TriggerClient
) -> None:
    httpserver.expect_request("/api/v1/waitpoints/tokens/waitpoint_1").respond_with_json(
        {**TOKEN, "output": "{not json", "outputType": "application/json"}
    )
    with pytest.raises(SchemaError, match="^output: is not valid application/json"):
        client.waitpoints.retrieve_token("waitpoint_1")


def serve_stored_output(httpserver: HTTPServer, value: Any) -> None:
    httpserver.expect_request("/api/v1/waitpoints/tokens/waitpoint_1").respond_with_json(
        {**TOKEN, "output": STORE_PATH, "outputType": "application/store", "outputIsError": False}
    )
    httpserver.expect_request(f"/api/v1/packets/{STORE_PATH}", method="GET").respond_with_json(
        {"presignedUrl": httpserver.url_for("/store/token.json?X-Amz-Signature=secret")}
    )

    def store(request: Request) -> Response:
        assert "Authorization" not in request.headers  # the key never reaches the object store
        return Response(json.dumps(value), content_type="application/json")

    httpserver.expect_request("/store/token.json").respond_with_handler(store)


def test_a_stored_output_is_downloaded(httpserver: HTTPServer, client: trigger_dev.TriggerClient) -> None:
    serve_stored_output(httpserver, {"large": "x" * 1000})
    assert client.waitpoints.retrieve_token("waitpoint_1").output == {"large": "x" * 1000}
    kept = client.waitpoints.retrieve_token("waitpoint_1", request_options={"download_offloaded": False})
    assert (kept.output, kept.output_type) == (STORE_PATH, "application/store")


def test_a_stored_output_through_the_async_client(httpserver: HTTPServer) -> None:
    serve_stored_output(httpserver, [1, 2, 3])

    async def main() -> Any:
        async with async_client(httpserver.url_for("")) as client:
            return (await client.waitpoints.retrieve_token("waitpoint_1")).output

    assert asyncio.run(main()) == [1, 2, 3]


def test_complete_token_sends_data_even_when_empty(
    httpserver: HTTPServer, client: trigger_dev.TriggerClient
) -> None:
    httpserver.expect_request(
        "/api/v1/waitpoints/tokens/waitpoint_1/complete", method="POST"
    ).respond_with_json({"success": True})
    client.waitpoints.complete_token("waitpoint_1", {"approved": False})
    assert body_of(httpserver) == {"data": {"approved": False}}
    client.waitpoints.complete_token("waitpoint_1")
    assert body_of(httpserver) == {}  # the server needs a body; an empty object completes without data


def test_list_tokens_pages_forward(httpserver: HTTPServer, client: trigger_dev.TriggerClient) -> None:
    item = {key: TOKEN[key] for key in ("url", "status", "tags", "createdAt")}
    first = {"page[size]": "1", "filter[status]": "COMPLETED,TIMED_OUT"}
    httpserver.expect_ordered_request("/api/v1/waitpoints/tokens", query_string=first).respond_with_json(
        {"data": [{**item, "id": "waitpoint_2"}], "pagination": {"next": "c1"}}
    )
    httpserver.expect_ordered_request(
        "/api/v1/waitpoints/tokens", query_string={**first, "page[after]": "c1"}
    ).respond_with_json({"data": [{**item, "id": "waitpoint_1"}], "pagination": {"previous": "c2"}})
    page = client.waitpoints.list_tokens(limit=1, status=["COMPLETED", "TIMED_OUT"])
    assert [token.id for token in page] == ["waitpoint_2", "waitpoint_1"]


# --- run metadata and tags


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"metadata": '{"progress": 0.5}', "metadataType": "application/json"}, {"progress": 0.5}),
        ({"metadata": '{"json": {"step": 2}}', "metadataType": "application/super+json"}, {"step": 2}),
        ({"metadata": None, "metadataType": "application/json"}, None),
        ({"metadataType": "application/json"}, None),
        ({"metadata": {"already": "decoded"}}, {"already": "decoded"}),  # as the official SDK expects it
    ],
)
def test_stored_metadata_is_decoded(
    httpserver: HTTPServer, client: trigger_dev.TriggerClient, body: dict[str, Any], expected: Any
) -> None:
    httpserver.expect_request("/api/v1/runs/run_1/metadata", method="GET").respond_with_json(body)
    assert client.runs.retrieve_metadata("run_1").metadata == expected


def test_metadata_operations_are_checked_and_sent_in_wire_form(
    httpserver: HTTPServer, client: trigger_dev.TriggerClient
) -> None:
    httpserver.expect_request("/api/v1/runs/run_1/metadata", method="PUT").respond_with_json({"metadata": {}})
    client.runs.update_metadata(
        "run_1",
        operations=[{"type": "increment", "key": "done", "value": 1}],
        parent_operations=[{"type": "append", "key": "$.log", "value": "child done"}],
    )
    assert body_of(httpserver) == {
        "operations": [{"type": "increment", "key": "done", "value": 1}],
        "parentOperations": [{"type": "append", "key": "$.log", "value": "child done"}],
    }
    with pytest.raises(
        TypeError, match=r"operations\[0\] has no key 'path'; valid keys are: key, type, value"
    ):
        client.runs.update_metadata("run_1", operations=[{"type": "set", "path": "a"}])  # type: ignore[typeddict-unknown-key]
    with pytest.raises(ValueError, match=r"operations\[0\]\['type'\] must be one of 'set', 'delete'"):
        client.runs.update_metadata("run_1", operations=[{"type": "merge"}])  # type: ignore[typeddict-item]
    with pytest.raises(
        ValueError, match="over the 2,097,152 the server accepts on PUT /api/v1/runs/{run_id}/metadata"
    ):
        client.runs.update_metadata("run_1", metadata={"blob": "x" * 2_200_000})
    assert len(httpserver.log) == 1


def test_too_many_tags(httpserver: HTTPServer, client: trigger_dev.TriggerClient, quiet: HTTPServer) -> None:
    with pytest.raises(
        ValueError, match="runs.add_tags\\(\\) argument 'tags' takes at most 10 items, got 11"
    ):
        client.runs.add_tags("run_1", [f"t{i}" for i in range(11)])
    with pytest.raises(ValueError, match="needs at least 1 items, got 0"):
        client.runs.add_tags("run_1", [])


def test_a_run_full_of_tags_is_a_typed_error(
    httpserver: HTTPServer, client: trigger_dev.TriggerClient
) -> None:
    message = "Runs can only have 10 tags, you're trying to set 11. These tags have not been set: 'x'."
    httpserver.expect_request("/api/v1/runs/run_1/tags").respond_with_json({"error": message}, status=422)
    with pytest.raises(UnprocessableEntityError) as caught:
        client.runs.add_tags("run_1", ["x"])
    assert caught.value.message == message
    assert len(httpserver.log) == 1  # a 422 is not retried


# --- idempotency keys


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def test_created_keys_match_the_official_derivation(client: trigger_dev.TriggerClient) -> None:
    keys = client.idempotency_keys
    assert keys.create("order-42") == sha256("order-42")
    assert keys.create(["order", "42"], scope="global") == sha256("order-42")
    # A backend has no run: the default scope adds nothing unless told which run to match.
    assert keys.create(["order", "42"]) == sha256("order-42")
    assert keys.create("order-42", run_id="run_abc") == sha256("order-42-run_abc")
    assert keys.create("order-42", scope="attempt", run_id="run_abc", attempt_number=2) == sha256(
        "order-42-run_abc-2"
    )
    assert len(keys.create("x")) == 64 and trigger_dev.idempotency_keys.create("x") == keys.create("x")
    # Empty material is hashed as the official SDK hashes it, so a Python service can make
    # every key a TypeScript service makes.
    assert keys.create(["charge", ""]) == sha256("charge-")
    assert keys.create("") == sha256("") == keys.create([])
    assert keys.create(["", ""]) == sha256("-")


@pytest.mark.parametrize(
    ("arguments", "error", "message"),
    [
        ({"key": 42}, TypeError, "must be a string or a list of strings"),
        ({"key": ["a", 1]}, TypeError, "must be a string or a list of strings"),
        ({"key": "a", "scope": "task"}, ValueError, "scope must be 'run', 'attempt' or 'global'"),
        ({"key": "a", "scope": "global", "run_id": "run_1"}, ValueError, "a 'global' key adds no run"),
        (
            {"key": "a", "scope": "attempt", "run_id": "run_1"},
            ValueError,
            "needs both run_id and attempt_number",
        ),
        (
            {"key": "a", "scope": "attempt", "run_id": "r", "attempt_number": 0},
            ValueError,
            "a whole number from 1",
        ),
        ({"key": "a", "attempt_number": 1}, ValueError, "applies to scope='attempt' only"),
    ],
)
def test_bad_key_material_is_refused(arguments: dict[str, Any], error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        trigger_dev.idempotency_keys.create(**arguments)


def test_a_reset_targets_the_hash_the_trigger_sent(
    httpserver: HTTPServer, client: trigger_dev.TriggerClient
) -> None:
    httpserver.expect_request("/api/v1/tasks/send-email/trigger").respond_with_json({"id": "run_1"})
    client.tasks.trigger("send-email", {}, options={"idempotency_key": ["user", "42"]})
    sent = body_of(httpserver)["options"]["idempotencyKey"]
    httpserver.expect_request(f"/api/v1/idempotencyKeys/{sent}/reset", method="POST").respond_with_json(
        {"id": sent}
    )
    assert client.idempotency_keys.reset("send-email", ["user", "42"]).id == sent
    assert body_of(httpserver) == {"taskIdentifier": "send-email"}
    made = client.idempotency_keys.create(["user", "42"])
    assert (
        made == sent and client.idempotency_keys.reset("send-email", made).id == sent
    )  # a hash goes as it is


def test_a_reset_on_a_server_before_4_3_1(httpserver: HTTPServer, client: trigger_dev.TriggerClient) -> None:
    httpserver.expect_request(f"/api/v1/idempotencyKeys/{sha256('k')}/reset").respond_with_data(
        "<html><title>404: Not Found</title></html>", status=404, content_type="text/html"
    )
    with pytest.raises(NotFoundError, match=r"is served from Trigger.dev 4\.3\.1"):
        client.idempotency_keys.reset("send-email", "k")


# --- deployments


def test_the_current_deployment_on_an_older_server(
    httpserver: HTTPServer, client: trigger_dev.TriggerClient
) -> None:
    httpserver.expect_request("/api/v1/deployments/current").respond_with_json(
        {"error": "Deployment not found"}, status=404
    )
    with pytest.raises(
        NotFoundError,
        match=r"^deployments.retrieve_current: 404 Not Found: Deployment not found \(GET .* from Trigger.dev 4\.5\.0;",
    ):
        client.deployments.retrieve_current()


def test_deployment_filters(
    httpserver: HTTPServer, client: trigger_dev.TriggerClient, quiet: HTTPServer
) -> None:
    with pytest.raises(ValueError, match="'status' must be one of 'PENDING', 'BUILDING'"):
        client.deployments.list(status="INSTALLING")  # type: ignore[arg-type]  # reported, but not a filter the server takes


def test_deployments_read_what_each_route_sends(
    httpserver: HTTPServer, client: trigger_dev.TriggerClient
) -> None:
    deployment = {
        "id": "deployment_1",
        "createdAt": "2025-01-01T00:00:00.000Z",
        "shortCode": "ab12",
        "version": "20250101.1",
        "runtime": None,
        "runtimeVersion": None,
        "status": "INSTALLING",
    }
    httpserver.expect_request("/api/v1/deployments").respond_with_json(
        {"data": [{**deployment, "deployedAt": None, "git": None}], "pagination": {}}
    )
    listed = client.deployments.list().data[0]
    assert (listed.status, listed.deployed_at, listed.git, listed.runtime) == ("INSTALLING", None, None, None)
    httpserver.expect_request("/api/v1/deployments/current").respond_with_json(
        {**deployment, "status": "DEPLOYED", "git": {"commitSha": "9f2c", "dirty": False, "someNewField": 1}}
    )
    current = client.deployments.retrieve_current()
    assert current.git is not None and (current.git.commit_sha, current.git.dirty) == ("9f2c", False)
    assert current.git.to_dict()["someNewField"] == 1


# --- bulk actions


@pytest.mark.parametrize(
    ("arguments", "error", "message"),
    [
        ({}, TypeError, "takes exactly one of 'filter' and 'run_ids'; got neither"),
        ({"run_ids": ["run_1"], "filter": {"tag": ["x"]}}, TypeError, "got both 'filter' and 'run_ids'"),
        ({"run_ids": [f"run_{i}" for i in range(501)]}, ValueError, "takes at most 500 items, got 501"),
        ({"run_ids": []}, ValueError, "needs at least 1 items"),
        (
            {"filter": {"tags": ["x"]}},
            TypeError,
            "argument 'filter' has no key 'tags'; valid keys are: batch, bulk_action",
        ),
        (
            {"filter": {"from_": datetime.datetime(2025, 1, 1)}},
            ValueError,
            r"argument filter\['from_'\] must be a timezone-aware datetime",
        ),
        ({"filter": {"machine": ["huge"]}}, ValueError, r"filter\['machine'\]\[0\] must be one of 'micro'"),
        ({"run_ids": ["run_1"], "name": "n" * 256}, ValueError, "'name' must be at most 255 characters"),
    ],
)
def test_a_bulk_action_is_checked_before_sending(
    quiet: HTTPServer, arguments: dict[str, Any], error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        sync_client(quiet.url_for("")).bulk_actions.create("cancel", **arguments)


def test_bulk_action_filter_times_go_as_iso_strings(
    httpserver: HTTPServer, client: trigger_dev.TriggerClient
) -> None:
    httpserver.expect_request("/api/v1/bulk-actions", method="POST").respond_with_json(
        {"id": "bulk_1"}, status=202
    )
    created = client.bulk_actions.create(
        "replay",
        filter={
            "from_": 1735689600000,
            "to": datetime.datetime(2025, 1, 2, 1, tzinfo=datetime.timezone(datetime.timedelta(hours=1))),
        },
        target_region="eu-central-1",
    )
    assert created.id == "bulk_1"  # a 202 is a success
    assert body_of(httpserver) == {
        "action": "replay",
        "filter": {"from": "2025-01-01T00:00:00.000Z", "to": "2025-01-02T00:00:00.000Z"},
        "targetRegion": "eu-central-1",
    }


def test_aborting_a_finished_bulk_action_is_not_retried(
    httpserver: HTTPServer, client: trigger_dev.TriggerClient
) -> None:
    httpserver.expect_request("/api/v1/bulk-actions/bulk_1/abort").respond_with_json(
        {"error": "Bulk action group already completed: bulk_1"}, status=409
    )
    with pytest.raises(ConflictError, match="already completed"):
        client.bulk_actions.abort("bulk_1")
    assert len(httpserver.log) == 1
    # Elsewhere a 409 is retried, as the official SDK retries it.
    httpserver.expect_request("/api/v1/bulk-actions/bulk_1").respond_with_json({"error": "busy"}, status=409)
    with pytest.raises(ConflictError):
        client.bulk_actions.retrieve("bulk_1")
    assert len(httpserver.log) == 1 + FAST_RETRIES["max_attempts"]


def test_aborting_through_the_async_client(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api/v1/bulk-actions/bulk_1/abort").respond_with_json(
        {"error": "aborted"}, status=409
    )

    async def main() -> None:
        async with async_client(httpserver.url_for(""), retry=FAST_RETRIES) as client:
            with pytest.raises(ConflictError):
                await client.bulk_actions.abort("bulk_1")

    asyncio.run(main())
    assert len(httpserver.log) == 1


# --- query


def test_query_times_and_formats(httpserver: HTTPServer, client: trigger_dev.TriggerClient) -> None:
    httpserver.expect_request("/api/v1/query", method="POST").respond_with_json(
        {"format": "csv", "results": "run_id,status\nrun_1,COMPLETED\n"}
    )
    result = client.query.execute(
        "SELECT run_id, status FROM runs",
        scope="project",
        from_=datetime.datetime(2025, 1, 1, tzinfo=UTC),
        to=1735776000000,
        format="csv",
    )
    assert result.results.splitlines() == ["run_id,status", "run_1,COMPLETED"]
    assert body_of(httpserver) == {
        "query": "SELECT run_id, status FROM runs",
        "scope": "project",
        "from": "2025-01-01T00:00:00.000Z",
        "to": "2025-01-02T00:00:00.000Z",
        "format": "csv",
    }
    with pytest.raises(ValueError, match="'format' must be one of 'json', 'csv'"):
        client.query.execute("SELECT 1", format="parquet")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="'query' must be at least 1 characters"):
        client.query.execute("")


# --- module level, and many threads on one client


def test_module_level_namespaces(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api/v1/queues/queue_1/pause").respond_with_json({**QUEUE, "paused": True})
    trigger_dev.configure(base_url=httpserver.url_for(""), secret_key=SECRET_KEY)
    assert trigger_dev.queues.pause("queue_1").paused is True
    assert trigger_dev.queues.with_raw_response.pause("queue_1").status_code == 200


def test_pausing_from_threads(httpserver: HTTPServer, client: trigger_dev.TriggerClient) -> None:
    httpserver.expect_request("/api/v1/queues/queue_1/pause").respond_with_json({**QUEUE, "paused": True})
    results: list[bool] = []
    threads = [
        threading.Thread(target=lambda: results.append(client.queues.pause("queue_1").paused))
        for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert results == [True] * 8


def test_queues_list_walks_numbered_pages(httpserver: HTTPServer, client: trigger_dev.TriggerClient) -> None:
    for page, names in ((1, ["a", "b"]), (2, ["c"])):
        httpserver.expect_request(
            "/api/v1/queues", query_string={"page": str(page), "perPage": "2"}
        ).respond_with_json(
            {
                "data": [{**QUEUE, "id": f"queue_{n}", "name": n} for n in names],
                "pagination": {"currentPage": page, "totalPages": 2, "count": 3},
            }
        )
    first = client.queues.list(page=1, per_page=2)
    assert [queue.name for queue in first] == ["a", "b", "c"]
    assert first.has_next_page() and not first.get_next_page().has_next_page()


def test_the_calls_without_upstream_fixtures_through_the_async_client(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api/v1/runs/run_1/metadata", method="GET").respond_with_json(
        {"metadata": '{"a": 1}', "metadataType": "application/json"}
    )
    httpserver.expect_request("/api/v1/runs/run_1/tags", method="POST").respond_with_json(
        {"message": "No new tags to add"}
    )
    httpserver.expect_request("/api/v1/query", method="POST").respond_with_json(
        {"format": "json", "results": [{"n": 1}]}
    )
    httpserver.expect_request("/api/v1/queues/queue_1/pause", method="POST").respond_with_json(QUEUE)

    async def main() -> tuple[Any, ...]:
        async with async_client(httpserver.url_for("")) as client:
            return (
                (await client.runs.retrieve_metadata("run_1")).metadata,
                (await client.runs.add_tags("run_1", ["a"])).message,
                (await client.query.execute("SELECT count() AS n FROM runs")).results,
                (await client.queues.resume("queue_1")).paused,
                client.idempotency_keys.create("k"),  # computed, not awaited
            )

    assert asyncio.run(main()) == ({"a": 1}, "No new tags to add", [{"n": 1}], False, sha256("k"))
    assert body_of(httpserver) == {"action": "resume"}

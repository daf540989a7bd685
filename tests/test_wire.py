"""What goes on the wire, checked against a local server: headers, encodings, idempotency keys
hashed as the official SDK hashes them, and path parameters that can never change the path."""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Iterator
from typing import Any, ClassVar

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request

import trigger_dev
from tests.support.clients import SECRET_KEY, sync_client
from tests.support.local_server import JsonHandler, serving
from trigger_dev import TriggerClient

# Digests of the key material joined by "-", computed outside this code base (sha256sum).
WELCOME_KEY_HASH = "02675d0e9d13b3da58c522965632fcee15dd50c25a2eef06b0166bfbeeeae1cb"  # "welcome-user_5678"
LIST_KEY_HASH = "5bc29e442ab07c5dd99f572ccbfcca859106359f4bda20432c0c1c1a0c8881ed"  # ["order-1", "user_2"]
BATCH_ITEM_HASHES = [
    "b1ae1e9b115e9bccd766211e77d0f242650bee5e87c37a06fb084de79b1831fe",  # "signup-batch-42-0"
    "4e7c8903bfb1e0c54fd682871d88991cef5e8c5a4eed6b624bac0620eeb2e484",  # "signup-batch-42-1"
]


@pytest.fixture
def client(httpserver: HTTPServer) -> TriggerClient:
    return sync_client(httpserver.url_for("/"))


def only_request(httpserver: HTTPServer) -> Request:
    ((request, _),) = httpserver.log
    return request


def body_of(request: Request) -> Any:
    return json.loads(request.get_data())


def test_every_request_carries_the_api_version_and_identifies_the_sdk(
    httpserver: HTTPServer, client: TriggerClient
) -> None:
    httpserver.expect_request("/api/v2/runs/run_1/cancel", method="POST").respond_with_json({"id": "run_1"})
    client.runs.cancel("run_1")
    request = only_request(httpserver)
    assert request.headers["x-trigger-api-version"] == "2025-07-16"
    assert request.headers["User-Agent"] == f"trigger-dev-python/{trigger_dev.__version__}"
    assert request.headers["Authorization"] == f"Bearer {SECRET_KEY}"
    assert len(request.headers["x-trigger-request-idempotency-key"]) == 36
    assert "Content-Type" not in request.headers  # no body, no content type


def test_reads_carry_no_request_idempotency_key(httpserver: HTTPServer, client: TriggerClient) -> None:
    httpserver.expect_request("/api/v3/runs/run_1").respond_with_json({})
    with pytest.raises(trigger_dev.ApiSchemaValidationError):
        client.runs.retrieve("run_1")
    assert "x-trigger-request-idempotency-key" not in only_request(httpserver).headers


def test_bodies_carry_content_length_and_plain_json(httpserver: HTTPServer, client: TriggerClient) -> None:
    httpserver.expect_request("/api/v1/tasks/t/trigger", method="POST").respond_with_json(
        {"id": "run_1", "isCached": False}
    )
    client.tasks.trigger("t", {"when": "now", "n": [1, 2.5, None]})
    request = only_request(httpserver)
    assert request.headers["Content-Type"] == "application/json"
    assert int(request.headers["Content-Length"]) == len(request.get_data())
    assert "Transfer-Encoding" not in request.headers
    assert body_of(request) == {"payload": {"when": "now", "n": [1, 2.5, None]}}


def test_a_user_idempotency_key_is_hashed_and_sent_with_the_original(
    httpserver: HTTPServer, client: TriggerClient
) -> None:
    httpserver.expect_request("/api/v1/tasks/t/trigger").respond_with_json({"id": "run_1", "isCached": True})
    result = client.tasks.trigger("t", options={"idempotency_key": "welcome-user_5678"})
    assert result.is_cached is True
    options = body_of(only_request(httpserver))["options"]
    assert options == {
        "idempotencyKey": WELCOME_KEY_HASH,
        "idempotencyKeyOptions": {"key": "welcome-user_5678", "scope": "run"},
    }


def test_a_key_made_of_parts_is_joined_then_hashed(httpserver: HTTPServer, client: TriggerClient) -> None:
    httpserver.expect_request("/api/v1/tasks/t/trigger").respond_with_json({"id": "run_1", "isCached": False})
    client.tasks.trigger("t", options={"idempotency_key": ["order-1", "user_2"]})
    options = body_of(only_request(httpserver))["options"]
    assert options["idempotencyKey"] == LIST_KEY_HASH
    assert options["idempotencyKeyOptions"]["key"] == "order-1-user_2"


def test_an_already_hashed_key_is_sent_as_it_is(httpserver: HTTPServer, client: TriggerClient) -> None:
    httpserver.expect_request("/api/v1/tasks/t/trigger").respond_with_json({"id": "run_1", "isCached": False})
    client.tasks.trigger("t", options={"idempotency_key": WELCOME_KEY_HASH})
    assert body_of(only_request(httpserver))["options"] == {"idempotencyKey": WELCOME_KEY_HASH}


def test_trigger_options_become_the_wire_fields(httpserver: HTTPServer, client: TriggerClient) -> None:
    httpserver.expect_request("/api/v1/tasks/t/trigger").respond_with_json({"id": "run_1", "isCached": False})
    at = datetime.datetime(2030, 1, 2, 3, 4, 5, tzinfo=datetime.timezone(datetime.timedelta(hours=2)))
    client.tasks.trigger(
        "t",
        options={
            "queue": "emails",
            "delay": at,
            "ttl": 600,
            "version": "20250101.1",
            "max_duration": 300,
            "debounce": {"key": "user_1", "delay": "5s", "mode": "trailing"},
        },
    )
    assert body_of(only_request(httpserver))["options"] == {
        "queue": {"name": "emails"},
        "delay": "2030-01-02T01:04:05+00:00",
        "ttl": 600,
        "lockToVersion": "20250101.1",
        "maxDuration": 300,
        "debounce": {"key": "user_1", "delay": "5s", "mode": "trailing"},
    }


def test_batch_trigger_uses_the_two_phase_api(httpserver: HTTPServer, client: TriggerClient) -> None:
    httpserver.expect_ordered_request("/api/v3/batches", method="POST").respond_with_json(
        {"id": "batch_1", "runCount": 2, "isCached": False}, status=202
    )
    httpserver.expect_ordered_request("/api/v3/batches/batch_1/items", method="POST").respond_with_json(
        {"id": "batch_1", "itemsAccepted": 2, "itemsDeduplicated": 0, "sealed": True}
    )
    batch = client.tasks.batch_trigger(
        "send-email",
        [{"payload": {"to": "a"}}, {"payload": {"to": "b"}, "options": {"tags": ["vip"]}}],
        options={"idempotency_key": "signup-batch-42", "idempotency_key_ttl": "1d"},
    )
    assert (batch.id, batch.run_count) == ("batch_1", 2)
    (create, _), (items, _) = httpserver.log
    assert body_of(create)["runCount"] == 2
    assert body_of(create)["taskIdentifiers"] == ["send-email"]
    assert items.headers["Content-Type"] == "application/x-ndjson"
    lines = [json.loads(line) for line in items.get_data().decode().splitlines()]
    assert [line["index"] for line in lines] == [0, 1]
    assert [line["options"]["idempotencyKey"] for line in lines] == BATCH_ITEM_HASHES
    assert all(line["options"]["idempotencyKeyTTL"] == "1d" for line in lines)
    assert lines[1]["options"]["tags"] == ["vip"]


def test_a_cached_batch_is_not_streamed_again(httpserver: HTTPServer, client: TriggerClient) -> None:
    httpserver.expect_request("/api/v3/batches").respond_with_json(
        {"id": "batch_1", "runCount": 1, "isCached": True}, status=202
    )
    assert client.tasks.batch_trigger("t", [{"payload": 1}]).is_cached is True
    assert len(httpserver.log) == 1


def test_an_unsealed_batch_is_streamed_again_then_reported(
    httpserver: HTTPServer, client: TriggerClient
) -> None:
    httpserver.expect_request("/api/v3/batches").respond_with_json(
        {"id": "batch_1", "runCount": 2, "isCached": False}, status=202
    )
    httpserver.expect_request("/api/v3/batches/batch_1/items").respond_with_json(
        {"id": "batch_1", "itemsAccepted": 1, "itemsDeduplicated": 0, "sealed": False}
    )
    with pytest.raises(trigger_dev.BatchNotSealedError, match="batch_1 was not sealed after 3 attempts"):
        client.tasks.batch_trigger("t", [{"payload": 1}, {"payload": 2}])
    assert len(httpserver.log) == 4


def test_list_filters_are_comma_joined_and_dates_are_epoch_ms(
    httpserver: HTTPServer, client: TriggerClient
) -> None:
    httpserver.expect_request("/api/v1/runs").respond_with_json({"data": [], "pagination": {}})
    client.runs.list(
        status=["QUEUED", "EXECUTING"],
        tag=["a", "b"],
        from_=datetime.datetime(2025, 1, 1, tzinfo=datetime.timezone.utc),
        to=1735776000000,
        is_test=True,
        limit=50,
    )
    args = only_request(httpserver).args
    assert args["filter[status]"] == "QUEUED,EXECUTING"
    assert args["filter[tag]"] == "a,b"
    assert args["filter[createdAt][from]"] == "1735689600000"
    assert args["filter[createdAt][to]"] == "1735776000000"
    assert args["filter[isTest]"] == "true"
    assert args["page[size]"] == "50"
    assert len(args.getlist("filter[status]")) == 1


@pytest.mark.parametrize("run_id", ["../../api/v1/whoami", "run?x=1", "run#frag", "r u n", "rün/1"])
def test_path_parameters_are_escaped_and_cannot_change_the_path(
    httpserver: HTTPServer, client: TriggerClient, run_id: str
) -> None:
    httpserver.expect_request("/api/v3/runs/x").respond_with_json({})  # never the one hit
    with pytest.raises(trigger_dev.ApiError):
        client.runs.retrieve(run_id, request_options={"retry": {"max_attempts": 1}})
    request = only_request(httpserver)
    raw_path = request.environ["RAW_URI"] if "RAW_URI" in request.environ else request.environ["REQUEST_URI"]
    assert raw_path.startswith("/api/v3/runs/")
    assert raw_path.count("/") == 4
    assert "?" not in raw_path and "#" not in raw_path
    assert request.path == f"/api/v3/runs/{run_id}"


def test_a_trailing_slash_on_the_base_url_is_dropped(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api/v1/timezones").respond_with_json({"timezones": []})
    TriggerClient(base_url=httpserver.url_for("/") + "/").schedules.timezones()
    assert only_request(httpserver).path == "/api/v1/timezones"


def test_settings_come_from_the_environment(httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRIGGER_SECRET_KEY", SECRET_KEY)
    monkeypatch.setenv("TRIGGER_API_URL", httpserver.url_for(""))
    httpserver.expect_request("/api/v1/runs/run_1/replay").respond_with_json({"id": "run_2"})
    assert trigger_dev.runs.replay("run_1").id == "run_2"
    assert only_request(httpserver).headers["Authorization"] == f"Bearer {SECRET_KEY}"


def test_configure_returns_the_default_client(httpserver: HTTPServer) -> None:
    client = trigger_dev.configure(secret_key=SECRET_KEY, base_url=httpserver.url_for(""))
    assert trigger_dev.default_client() is client


def test_no_key_in_reprs() -> None:
    client = TriggerClient(secret_key="tr_prod_" + "S3cretS3cretS3cret", base_url="http://127.0.0.1:9")
    assert "S3cret" not in repr(client)
    assert "S3cret" not in str(client._client.credential)
    assert "tr_prod_***" in repr(client)


def test_header_injection_is_refused() -> None:
    with pytest.raises(ValueError, match="line break"):
        TriggerClient(secret_key="tr_dev_abc\r\nX-Evil: 1")
    client = sync_client("http://127.0.0.1:9")
    with pytest.raises(ValueError, match="line break"):
        client.runs.retrieve("run_1", request_options={"extra_headers": {"X-Note": "a\nb"}})
    with pytest.raises(ValueError, match="cannot set 'Authorization'"):
        client.runs.retrieve("run_1", request_options={"extra_headers": {"Authorization": "Bearer x"}})


def test_unknown_request_options_are_refused_with_the_valid_ones() -> None:
    client = sync_client("http://127.0.0.1:9")
    with pytest.raises(
        TypeError,
        match="no option 'timeout_seconds'; valid options are: connect_timeout, download_offloaded, extra_body, "
        "extra_headers, extra_query, retry, timeout",
    ):
        client.runs.retrieve("run_1", request_options={"timeout_seconds": 5})  # type: ignore[arg-type,typeddict-unknown-key]
    with pytest.raises(TypeError, match="no option 'attempts'"):
        client.runs.retrieve("run_1", request_options={"retry": {"attempts": 2}})  # type: ignore[arg-type,typeddict-unknown-key]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda c: c.runs.list(limit=0), "'limit' must be at least 1"),
        (lambda c: c.runs.list(from_=datetime.datetime(2025, 1, 1)), "timezone-aware"),
        (lambda c: c.tasks.trigger("t", options={"tags": [str(i) for i in range(11)]}), "at most 10 items"),
        (lambda c: c.tasks.trigger("t", options={"idempotency_key_ttl": "2 days"}), "idempotency_key_ttl"),
        (lambda c: c.tasks.trigger("t", options={"idempotencyKey": "x"}), "no key 'idempotencyKey'"),
        (
            lambda c: c.envvars.list("proj_1", "production"),
            "must be one of 'dev', 'stg', 'staging', 'prod', 'preview'",
        ),
        (lambda c: c.runs.retrieve(""), "cannot be empty"),
        (lambda c: c.tasks.batch_trigger("t", []), "takes 1 to 1000 items"),
        (lambda c: c.tasks.trigger("t", options={"delay": "tomorrow"}), 'a duration such as "1h"'),
        (lambda c: c.tasks.trigger("t", options={"ttl": "1 hour"}), 'a duration such as "10m"'),
        (lambda c: c.tasks.trigger("t", options={"ttl": -5}), "at least 0"),
        (lambda c: c.tasks.trigger("t", options={"debounce": {"key": "k", "delay": "soon"}}), "duration"),
        (
            lambda c: c.tasks.trigger("t", options={"delay": datetime.timedelta(milliseconds=5)}),
            "whole number",
        ),
        (lambda c: c.runs.reschedule("run_1", delay="later"), "ISO 8601 date-time"),
        (lambda c: c.runs.retrieve("run_1\r\nX-Injected: 1"), "control character"),
        (lambda c: c.envvars.retrieve("proj_1", "prod", "NAME\n"), "control character"),
        (lambda c: c.tasks.trigger("t", {"when": datetime.datetime.now()}), "cannot be sent as JSON"),
        (lambda c: c.tasks.trigger("t", {"n": float("nan")}), "cannot be sent as JSON"),
        (lambda c: c.tasks.batch_trigger("t", [{"payload": 1, "opts": {}}]), "unknown keys ['opts']"),
        (lambda c: c.runs.retrieve("   "), "cannot be empty or only whitespace"),
        (lambda c: c.runs.list(from_="2025-01-01"), "a timezone-aware datetime or epoch milliseconds"),
        (
            lambda c: c.runs.list(to=datetime.date(2025, 1, 1)),
            "a timezone-aware datetime or epoch milliseconds",
        ),
        (lambda c: c.runs.list(to=True), "epoch milliseconds"),
        (
            lambda c: c.runs.cancel("r", request_options={"extra_headers": {"x-note": "café ☕"}}),
            "extra_headers['x-note'] has a character HTTP headers cannot carry",
        ),
        (
            lambda c: c.runs.cancel("r", request_options={"extra_headers": {"bad name": "1"}}),
            "header name 'bad name'",
        ),
        (
            lambda c: c.tasks.trigger("t", {"n": 1}, options={"metadata": {"blob": "x" * 3_200_000}}),
            "over the 3,145,728 the server accepts on POST /api/v1/tasks/{task_id}/trigger",
        ),
        (
            lambda c: c.tasks.batch_trigger(
                "t", [{"payload": 1, "options": {"metadata": {"blob": "x" * 3_200_000}}}]
            ),
            "over the 3,145,728 bytes the server accepts per item",
        ),
    ],
)
def test_bad_input_is_refused_before_sending(httpserver: HTTPServer, call: Any, message: str) -> None:
    client = sync_client(httpserver.url_for(""))
    with pytest.raises((TypeError, ValueError), match=message.replace("[", r"\[").replace("]", r"\]")):
        call(client)
    assert httpserver.log == []


def test_module_level_raw_responses(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api/v1/timezones").respond_with_json(
        {"timezones": ["UTC"]}, headers={"x-test": "1"}
    )
    trigger_dev.configure(base_url=httpserver.url_for(""))
    raw = trigger_dev.schedules.with_raw_response.timezones()
    assert (raw.status_code, raw.headers["x-test"], raw.parse().timezones) == (200, "1", ["UTC"])


# Every path parameter of the public surface, with the other arguments it needs.
PATH_PARAMETER_CALLS: list[tuple[str, Any]] = [
    ("tasks.trigger(task_id)", lambda c, v: c.tasks.trigger(v)),
    ("runs.retrieve(run_id)", lambda c, v: c.runs.retrieve(v)),
    ("runs.cancel(run_id)", lambda c, v: c.runs.cancel(v)),
    ("runs.replay(run_id)", lambda c, v: c.runs.replay(v)),
    ("runs.reschedule(run_id)", lambda c, v: c.runs.reschedule(v, delay="1h")),
    ("runs.list(project_ref)", lambda c, v: c.runs.list(project_ref=v, env="prod")),
    ("envvars.list(project_ref)", lambda c, v: c.envvars.list(v, "prod")),
    ("envvars.create(project_ref)", lambda c, v: c.envvars.create(v, "prod", name="A", value="1")),
    ("envvars.upload(project_ref)", lambda c, v: c.envvars.upload(v, "prod", variables={"A": "1"})),
    ("envvars.retrieve(project_ref)", lambda c, v: c.envvars.retrieve(v, "prod", "A")),
    ("envvars.retrieve(name)", lambda c, v: c.envvars.retrieve("proj_1", "prod", v)),
    ("envvars.update(name)", lambda c, v: c.envvars.update("proj_1", "prod", v, value="1")),
    ("envvars.delete(name)", lambda c, v: c.envvars.delete("proj_1", "prod", v)),
    ("schedules.retrieve(schedule_id)", lambda c, v: c.schedules.retrieve(v)),
    ("schedules.update(schedule_id)", lambda c, v: c.schedules.update(v, task="t", cron="0 * * * *")),
    ("schedules.activate(schedule_id)", lambda c, v: c.schedules.activate(v)),
    ("schedules.deactivate(schedule_id)", lambda c, v: c.schedules.deactivate(v)),
    ("schedules.delete(schedule_id)", lambda c, v: c.schedules.delete(v)),
    ("waitpoints.retrieve_token(token_id)", lambda c, v: c.waitpoints.retrieve_token(v)),
    ("waitpoints.complete_token(token_id)", lambda c, v: c.waitpoints.complete_token(v)),
    ("queues.retrieve(queue)", lambda c, v: c.queues.retrieve(v, type="custom")),
    ("queues.pause(queue)", lambda c, v: c.queues.pause(v, type="custom")),
    ("queues.resume(queue)", lambda c, v: c.queues.resume(v)),
    (
        "queues.override_concurrency_limit(queue)",
        lambda c, v: c.queues.override_concurrency_limit(v, percent=5),
    ),
    ("queues.reset_concurrency_limit(queue)", lambda c, v: c.queues.reset_concurrency_limit(v)),
    ("runs.retrieve_metadata(run_id)", lambda c, v: c.runs.retrieve_metadata(v)),
    ("runs.update_metadata(run_id)", lambda c, v: c.runs.update_metadata(v, metadata={})),
    ("runs.add_tags(run_id)", lambda c, v: c.runs.add_tags(v, ["a"])),
    ("bulk_actions.retrieve(bulk_action_id)", lambda c, v: c.bulk_actions.retrieve(v)),
    ("bulk_actions.abort(bulk_action_id)", lambda c, v: c.bulk_actions.abort(v)),
]


class _RequestLines(JsonHandler):
    """Answers 404 to everything, keeping each request line as it arrived."""

    seen: ClassVar[list[str]] = []

    def do_ANY(self) -> None:
        self.seen.append(self.requestline)
        self.send_json("{}", 404)

    do_GET = do_POST = do_PUT = do_DELETE = do_ANY


@pytest.fixture(scope="module")
def recording_server() -> Iterator[str]:
    with serving(_RequestLines) as url:
        yield url


@pytest.mark.parametrize("value", [".", ".."])
@pytest.mark.parametrize(("where", "call"), PATH_PARAMETER_CALLS, ids=[w for w, _ in PATH_PARAMETER_CALLS])
def test_dot_segments_are_refused_on_every_path_parameter(
    recording_server: str, where: str, call: Any, value: str
) -> None:
    """Sent as they are, "." and ".." are resolved away by urllib3 and by the server, and the
    call (with its credential) would reach another route: `runs.retrieve("..")` asked for
    GET /api/v3/. A local server records every request line that reaches it: none does."""
    _RequestLines.seen.clear()
    if where.startswith("runs.list"):
        client = TriggerClient(access_token="tr_pat_fakeToken", base_url=recording_server)
    else:
        client = sync_client(recording_server)
    argument = where.split("(")[1].rstrip(")")
    with pytest.raises(ValueError, match=rf"argument '{argument}' cannot be '{re.escape(value)}'"):
        call(client, value)
    assert _RequestLines.seen == []


def test_other_dotted_ids_stay_one_segment_on_the_wire(recording_server: str) -> None:
    _RequestLines.seen.clear()
    client = sync_client(recording_server, retry={"max_attempts": 1})
    for run_id in ("...", "a..b", "../x", "./x", ".hidden"):
        with pytest.raises(trigger_dev.NotFoundError):
            client.runs.retrieve(run_id)
    assert _RequestLines.seen == [
        "GET /api/v3/runs/... HTTP/1.1",
        "GET /api/v3/runs/a..b HTTP/1.1",
        "GET /api/v3/runs/..%2Fx HTTP/1.1",
        "GET /api/v3/runs/.%2Fx HTTP/1.1",
        "GET /api/v3/runs/.hidden HTTP/1.1",
    ]


def test_batch_trigger_on_a_server_without_the_batch_api_says_so(
    httpserver: HTTPServer, client: TriggerClient
) -> None:
    httpserver.expect_request("/api/v3/batches", method="POST").respond_with_data(
        "<html><title>404: Not Found</title></html>", status=404, content_type="text/html"
    )
    with pytest.raises(trigger_dev.NotFoundError, match=r"no two-phase batch API .*4\.3\.1") as caught:
        client.tasks.batch_trigger("t", [{"payload": 1}])
    assert caught.value.status == 404

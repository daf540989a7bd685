"""Error responses become typed errors with readable messages, whatever the body looks like."""

from __future__ import annotations

import asyncio
import datetime
import json
import socket
from http import HTTPStatus
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response

import trigger_dev
from tests.support.clients import SECRET_KEY, async_client, sync_client
from trigger_dev import TriggerClient


@pytest.fixture
def client(httpserver: HTTPServer) -> TriggerClient:
    return sync_client(httpserver.url_for(""), attempts=1)


def fail_with(httpserver: HTTPServer, status: int, body: str, content_type: str = "application/json") -> None:
    httpserver.expect_request("/api/v1/runs/r/replay").respond_with_response(
        Response(body, status=status, content_type=content_type)
    )


@pytest.mark.parametrize(
    ("status", "error_class"),
    [
        (400, trigger_dev.BadRequestError),
        (401, trigger_dev.AuthenticationError),
        (403, trigger_dev.PermissionDeniedError),
        (404, trigger_dev.NotFoundError),
        (409, trigger_dev.ConflictError),
        (422, trigger_dev.UnprocessableEntityError),
        (429, trigger_dev.RateLimitError),
        (500, trigger_dev.InternalServerError),
        (503, trigger_dev.InternalServerError),
        (529, trigger_dev.InternalServerError),
        (405, trigger_dev.ApiError),
        (413, trigger_dev.ApiError),
        (418, trigger_dev.ApiError),
    ],
)
def test_status_codes_map_to_error_classes(
    httpserver: HTTPServer, client: TriggerClient, status: int, error_class: type[Exception]
) -> None:
    fail_with(httpserver, status, '{"error": "Something specific"}')
    with pytest.raises(error_class) as caught:
        client.runs.replay("r")
    error = caught.value
    assert type(error) is error_class
    assert isinstance(error, trigger_dev.ApiError) and isinstance(error, trigger_dev.TriggerError)
    assert error.status == status
    assert error.message == "Something specific"
    assert error.error == "Something specific"
    assert error.body == {"error": "Something specific"}
    phrase = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error"
    assert str(error) == f"runs.replay: {status} {phrase}: Something specific"
    assert error.operation == "runs.replay"


def test_authorization_failures_carry_code_param_and_type(
    httpserver: HTTPServer, client: TriggerClient
) -> None:
    body = {"error": "Unauthorized", "code": "unauthorized", "param": "access_token", "type": "authorization"}
    fail_with(httpserver, 403, json.dumps(body))
    with pytest.raises(trigger_dev.PermissionDeniedError) as caught:
        client.runs.replay("r")
    assert (caught.value.code, caught.value.param, caught.value.type) == (
        "unauthorized",
        "access_token",
        "authorization",
    )


def test_validation_details_stay_in_the_body(httpserver: HTTPServer, client: TriggerClient) -> None:
    body = {
        "error": "Query Error",
        "details": [{"code": "too_big", "path": ["page[size]"], "message": "too big"}],
    }
    fail_with(httpserver, 400, json.dumps(body))
    with pytest.raises(trigger_dev.BadRequestError) as caught:
        client.runs.replay("r")
    assert caught.value.message == "Query Error"
    assert caught.value.body["details"][0]["path"] == ["page[size]"]


def test_a_nested_error_message_is_used(httpserver: HTTPServer, client: TriggerClient) -> None:
    fail_with(httpserver, 400, '{"error": {"message": "bad cron", "field": "cron"}}')
    with pytest.raises(trigger_dev.BadRequestError, match="^runs.replay: 400 Bad Request: bad cron$"):
        client.runs.replay("r")


def test_a_json_body_without_error_shows_its_text(httpserver: HTTPServer, client: TriggerClient) -> None:
    fail_with(httpserver, 422, '{"issues": ["x"]}')
    with pytest.raises(
        trigger_dev.UnprocessableEntityError,
        match=f'^runs.replay: 422 {HTTPStatus(422).phrase}: {{"issues": \\["x"\\]}}$',
    ):
        client.runs.replay("r")


def test_an_html_page_from_a_proxy_gives_its_title(httpserver: HTTPServer, client: TriggerClient) -> None:
    page = "<html><head><title>502 Bad Gateway</title></head><body><center>nginx</center></body></html>"
    fail_with(httpserver, 502, page, content_type="text/html")
    with pytest.raises(trigger_dev.InternalServerError) as caught:
        client.runs.replay("r")
    assert caught.value.message == "502 Bad Gateway"
    assert caught.value.body == page


def test_an_empty_error_body(httpserver: HTTPServer, client: TriggerClient) -> None:
    fail_with(httpserver, 500, "")
    with pytest.raises(
        trigger_dev.InternalServerError, match="^runs.replay: 500 Internal Server Error: \\(no body\\)$"
    ):
        client.runs.replay("r")


def test_a_long_text_body_is_shortened_to_one_line(httpserver: HTTPServer, client: TriggerClient) -> None:
    fail_with(httpserver, 500, "oops\n" * 500, content_type="text/plain")
    with pytest.raises(trigger_dev.InternalServerError) as caught:
        client.runs.replay("r")
    assert "\n" not in caught.value.message and len(caught.value.message) < 320


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ("<html>not json</html>", "expected JSON, got an HTML page"),
        ('{"identifier": "run_1"}', "id: required field is missing"),
        ("[1, 2]", "expected an object"),
        ("", "expected JSON, got an empty body"),
    ],
)
def test_a_success_that_breaks_the_schema(
    httpserver: HTTPServer, client: TriggerClient, body: str, detail: str
) -> None:
    httpserver.expect_request("/api/v1/runs/r/replay").respond_with_response(Response(body, status=200))
    with pytest.raises(trigger_dev.ApiSchemaValidationError) as caught:
        client.runs.replay("r")
    assert caught.value.status == 200
    assert caught.value.body == body
    assert detail in caught.value.message
    assert caught.value.message.startswith("runs.replay: unexpected response body")


def test_a_field_of_the_wrong_type_is_reported_when_read(
    httpserver: HTTPServer, client: TriggerClient
) -> None:
    httpserver.expect_request("/api/v1/runs/r/replay").respond_with_response(
        Response('{"id": 42}', status=200)
    )
    result = client.runs.replay("r")  # an object with its required field: the call succeeds
    with pytest.raises(trigger_dev.SchemaError, match=r"^RunIdResponse.id: expected a string, got int 42$"):
        _ = result.id


def test_raw_responses_defer_the_schema_check(httpserver: HTTPServer, client: TriggerClient) -> None:
    httpserver.expect_request("/api/v1/runs/r/replay").respond_with_response(
        Response('{"unexpected": true}', status=201, headers={"x-request-id": "req_1"})
    )
    raw = client.runs.with_raw_response.replay("r")
    assert raw.status_code == 201
    assert raw.headers["x-request-id"] == "req_1"
    assert raw.json() == {"unexpected": True}
    with pytest.raises(trigger_dev.ApiSchemaValidationError):
        raw.parse()


def test_a_redirect_is_not_followed(httpserver: HTTPServer, client: TriggerClient) -> None:
    httpserver.expect_request("/api/v1/runs/r/replay").respond_with_response(
        Response("", status=307, headers={"Location": "http://elsewhere.invalid/steal"})
    )
    with pytest.raises(trigger_dev.ApiError) as caught:
        client.runs.replay("r")
    assert caught.value.status == 307
    assert len(httpserver.log) == 1


def test_no_key_in_any_error_message(httpserver: HTTPServer, client: TriggerClient) -> None:
    fail_with(httpserver, 401, '{"error": "Invalid API Key"}')
    with pytest.raises(trigger_dev.AuthenticationError) as caught:
        client.runs.replay("r")
    assert SECRET_KEY not in str(caught.value) and SECRET_KEY not in repr(caught.value)


def test_a_redirect_says_where_to_and_what_to_change(httpserver: HTTPServer, client: TriggerClient) -> None:
    httpserver.expect_request("/api/v1/runs/r/replay").respond_with_response(
        Response(
            "", status=301, headers={"Location": "https://trigger.example.com/api/v1/runs/r/replay?token=abc"}
        )
    )
    with pytest.raises(trigger_dev.ApiError) as caught:
        client.runs.replay("r")
    message = str(caught.value)
    assert message.startswith(
        "runs.replay: 301 Moved Permanently: the server redirected the request to https://trigger.example.com/api/v1/runs/r/replay."
    )
    assert "token=abc" not in message
    assert "base_url probably needs https://" in message


@pytest.mark.parametrize(
    ("status", "attempts", "error_class"),
    [(200, 1, trigger_dev.ApiSchemaValidationError), (503, 2, trigger_dev.InternalServerError)],
)
def test_a_corrupt_gzip_body(
    httpserver: HTTPServer, status: int, attempts: int, error_class: type[Exception]
) -> None:
    # A 2xx whose compressed body is broken is not a network failure to retry; an error
    # status with a broken body is still decided by its status.
    httpserver.expect_request("/api/v1/runs/r/replay").respond_with_response(
        Response(
            b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\xff\xff\xffgarbage",
            status=status,
            headers={"Content-Encoding": "gzip"},
            content_type="application/json",
        )
    )
    client = sync_client(httpserver.url_for(""), retry={"max_attempts": 2, "min_delay": 0.001})
    with pytest.raises(error_class) as caught:
        client.runs.replay("r")
    assert len(httpserver.log) == attempts
    if status == 200:
        assert "could not be decoded (Content-Encoding: gzip)" in str(caught.value)


@pytest.mark.parametrize(
    ("route", "call", "expected"),
    [
        ("/api/v1/schedules/sched_1", lambda c: c.schedules.delete("sched_1").id, "sched_1"),
        (
            "/api/v1/projects/proj_1/envvars/prod/A",
            lambda c: c.envvars.delete("proj_1", "prod", "A").success,
            True,
        ),
        ("/api/v2/runs/run_1/cancel", lambda c: c.runs.cancel("run_1").id, "run_1"),
    ],
)
def test_a_204_from_a_delete_is_success(
    httpserver: HTTPServer, client: TriggerClient, route: str, call: Any, expected: object
) -> None:
    httpserver.expect_request(route).respond_with_response(Response(status=204))
    assert call(client) == expected


def test_an_empty_success_elsewhere_is_still_reported(httpserver: HTTPServer, client: TriggerClient) -> None:
    httpserver.expect_request("/api/v1/runs/r/replay").respond_with_response(Response(status=204))
    with pytest.raises(trigger_dev.ApiSchemaValidationError):
        client.runs.replay("r")


def test_a_corrupt_gzip_body_async(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api/v1/runs/r/replay").respond_with_response(
        Response(
            b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03\xff\xff\xffgarbage",
            headers={"Content-Encoding": "gzip"},
            content_type="application/json",
        )
    )

    async def main() -> None:
        async with trigger_dev.AsyncTriggerClient(
            secret_key=SECRET_KEY, base_url=httpserver.url_for("")
        ) as client:
            await client.runs.replay("r")

    with pytest.raises(
        trigger_dev.ApiSchemaValidationError, match=r"could not be decoded \(Content-Encoding: gzip\)"
    ):
        asyncio.run(main())
    assert len(httpserver.log) == 1


def test_every_error_has_one_root_and_keeps_its_builtin_base() -> None:
    for name in trigger_dev.__all__:
        value = getattr(trigger_dev, name)
        if isinstance(value, type) and issubclass(value, BaseException):
            assert issubclass(value, trigger_dev.TriggerError), name
            assert value.__module__ == "trigger_dev", name  # as tracebacks show it
    assert issubclass(trigger_dev.AuthMethodError, ValueError)
    assert issubclass(trigger_dev.NoSuchPageError, LookupError)


def test_a_traceback_names_the_error_as_users_import_it(
    httpserver: HTTPServer, client: TriggerClient
) -> None:
    import traceback

    fail_with(httpserver, 404, '{"error": "Not found"}')
    with pytest.raises(trigger_dev.NotFoundError) as caught:
        client.runs.replay("r")
    assert traceback.format_exception_only(caught.value)[-1].startswith(
        "trigger_dev.NotFoundError: runs.replay: 404 Not Found: Not found"
    )


def test_the_old_spelling_still_works_with_a_warning() -> None:
    with pytest.warns(DeprecationWarning, match="use ApiError"):
        assert trigger_dev.APIError is trigger_dev.ApiError
    assert "APIError" not in trigger_dev.__all__


# --- errors that name the call, where it went, and what to check


def test_a_connection_failure_names_the_call_the_address_and_the_attempts() -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = sync_client(f"http://127.0.0.1:{port}", retry={"max_attempts": 2, "min_delay": 0.001})
    with pytest.raises(trigger_dev.ApiConnectionError) as caught:
        client.runs.retrieve("run_1")
    error = caught.value
    text = str(error)
    assert text.startswith("runs.retrieve: Connection error")
    assert f"http://127.0.0.1:{port}, 2 attempts" in text
    assert "check base_url (or the TRIGGER_API_URL environment variable)" in text
    assert (error.operation, error.attempts, error.status) == ("runs.retrieve", 2, None)


def test_an_async_connection_failure_says_the_same() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    async def call() -> None:
        async with async_client(f"http://127.0.0.1:{port}", retry={"max_attempts": 1}) as client:
            await client.runs.retrieve("run_1")

    with pytest.raises(trigger_dev.ApiConnectionError) as caught:
        asyncio.run(call())
    assert str(caught.value).startswith("runs.retrieve: Connection error")
    assert f"http://127.0.0.1:{port}, 1 attempt)" in str(caught.value)
    assert caught.value.attempts == 1


def test_a_success_with_an_html_page_names_its_content_type_and_title(
    httpserver: HTTPServer, client: TriggerClient
) -> None:
    page = "<!doctype html><html><head><title>Sign in · Corporate SSO</title></head><body>…</body></html>"
    httpserver.expect_request("/api/v1/runs/r/replay").respond_with_response(
        Response(page, status=200, content_type="text/html")
    )
    with pytest.raises(trigger_dev.ApiSchemaValidationError) as caught:
        client.runs.replay("r")
    text = str(caught.value)
    assert text.startswith("runs.replay: 200 OK: unexpected response body: expected JSON, got an HTML page")
    assert "'Sign in · Corporate SSO'" in text and "text/html" in text
    assert "base_url may point at a website" in text
    assert caught.value.body == page


def test_errors_that_name_their_call_survive_pickling(httpserver: HTTPServer, client: TriggerClient) -> None:
    import pickle

    fail_with(httpserver, 404, '{"error": "Run not found"}')
    with pytest.raises(trigger_dev.NotFoundError) as caught:
        client.runs.replay("r")
    copy = pickle.loads(pickle.dumps(caught.value))
    assert str(copy) == str(caught.value) == "runs.replay: 404 Not Found: Run not found"
    assert copy.operation == "runs.replay"


# --- every argument check raises one of the package's errors


def test_no_runtime_module_raises_a_bare_type_or_value_error() -> None:
    """Argument checks raise `InvalidArgumentError` or `ArgumentTypeError`, so that
    ``except trigger_dev.TriggerError`` catches everything the package raises. Only the
    parsers whose errors are caught inside the package raise the standard ones."""
    import ast
    from pathlib import Path

    internal = {
        ("_realtime/shapes.py", "parse_array"),
        ("_realtime/shapes.py", "_array_at"),
        ("_payloads/packets.py", "decode_packet_text"),
    }
    found = []
    runtime = Path(__file__).parent.parent / "templates" / "runtime"
    for source in sorted(runtime.rglob("*.py")):
        name = source.relative_to(runtime).as_posix()
        tree = ast.parse(source.read_text())
        for function in ast.walk(tree):
            if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for node in ast.walk(function):
                if (
                    isinstance(node, ast.Raise)
                    and isinstance(node.exc, ast.Call)
                    and isinstance(node.exc.func, ast.Name)
                    and node.exc.func.id in {"TypeError", "ValueError"}
                    and (name, function.name) not in internal
                ):
                    found.append(f"{name}:{node.lineno} in {function.name}()")
    assert found == []


@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.runs.retrieve(""),
        lambda c: c.runs.retrieve(".."),
        lambda c: c.runs.list(limit=500),
        lambda c: c.runs.list(from_=datetime.datetime(2026, 1, 1)),
        lambda c: c.runs.list(status="COMPLETED"),
        lambda c: c.tasks.trigger("t", options={"nope": 1}),
        lambda c: c.tasks.trigger("t", options={"delay": object()}),
        lambda c: c.tasks.trigger("t", {"x": object()}),
        lambda c: c.tasks.trigger("t", request_options={"retry": {"max_attempts": 0}}),
        lambda c: c.tasks.trigger("t", request_options={"nope": 1}),
        lambda c: c.runs.poll("run_1", interval=0),
        lambda c: c.runs.stream("run_1", ""),
        lambda c: c.idempotency_keys.create(42),
        lambda c: c.tasks.trigger("t", options={"idempotency_key": ""}),
        lambda c: c.batches.trigger([]),
        lambda c: c.auth.create_public_token(expiration=True),
        lambda c: TriggerClient(base_url="ftp://x"),
        lambda c: TriggerClient(secret_key="tr_dev_a", access_token="tr_pat_b"),
    ],
)
def test_argument_mistakes_are_trigger_errors(call: Any) -> None:
    client = sync_client("http://127.0.0.1:9")
    with pytest.raises(trigger_dev.InvalidArgumentError) as caught:
        result = call(client)
        if hasattr(result, "__next__"):
            next(result)
    assert isinstance(caught.value, trigger_dev.TriggerError)
    assert isinstance(caught.value, ValueError)

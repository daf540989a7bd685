"""Error responses become typed errors with readable messages, whatever the body looks like."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response

import trigger_dev
from tests.support.clients import SECRET_KEY, sync_client
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
    assert str(error) == f"{status}: Something specific"


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
    with pytest.raises(trigger_dev.BadRequestError, match="^400: bad cron$"):
        client.runs.replay("r")


def test_a_json_body_without_error_shows_its_text(httpserver: HTTPServer, client: TriggerClient) -> None:
    fail_with(httpserver, 422, '{"issues": ["x"]}')
    with pytest.raises(trigger_dev.UnprocessableEntityError, match='^422: {"issues": \\["x"\\]}$'):
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
    with pytest.raises(trigger_dev.InternalServerError, match="^500: \\(no body\\)$"):
        client.runs.replay("r")


def test_a_long_text_body_is_shortened_to_one_line(httpserver: HTTPServer, client: TriggerClient) -> None:
    fail_with(httpserver, 500, "oops\n" * 500, content_type="text/plain")
    with pytest.raises(trigger_dev.InternalServerError) as caught:
        client.runs.replay("r")
    assert "\n" not in caught.value.message and len(caught.value.message) < 320


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ("<html>not json</html>", "the body is not JSON"),
        ('{"identifier": "run_1"}', "id: required field is missing"),
        ("[1, 2]", "expected an object"),
        ("", "the body is not JSON"),
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
        "301: the server redirected the request to https://trigger.example.com/api/v1/runs/r/replay."
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
    client = sync_client(httpserver.url_for(""), retry={"max_attempts": 2, "min_timeout_in_ms": 1})
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
        "trigger_dev.NotFoundError: 404: Not found"
    )


def test_the_old_spelling_still_works_with_a_warning() -> None:
    with pytest.warns(DeprecationWarning, match="use ApiError"):
        assert trigger_dev.APIError is trigger_dev.ApiError
    assert "APIError" not in trigger_dev.__all__

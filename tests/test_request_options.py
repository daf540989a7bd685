"""Request options a user reaches for in the first hour: the escape hatches for what the spec
does not describe yet (``extra_body``, ``extra_query``, ``extra_headers``), durations in
seconds, and the former spellings, which still work with a `DeprecationWarning`."""

from __future__ import annotations

import asyncio
import json
import warnings
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

import trigger_dev
from tests.support.clients import ACCESS_TOKEN, async_client, sync_client
from tests.support.factories import retrieved_run
from trigger_dev import TriggerClient
from trigger_dev._http.options import ResolvedOptions


def _last(httpserver: HTTPServer) -> Any:
    request, _ = httpserver.log[-1]
    return request


def test_extra_body_is_merged_into_the_body_at_any_depth(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api/v1/tasks/t/trigger", method="POST").respond_with_json({"id": "run_1"})
    client = sync_client(httpserver.url_for(""), extra_body={"options": {"fromClient": 1}})
    client.tasks.trigger(
        "t",
        {"a": 1},
        options={"tags": ["x"]},
        request_options={"extra_body": {"options": {"priorityBoost": 5, "tags": ["y"]}, "newTopLevel": True}},
    )
    body = json.loads(_last(httpserver).get_data())
    assert body["payload"] == {"a": 1}
    # Objects merge key by key (the call's, the client's and the call's extra fields all
    # arrive); any other value (the list of tags) is replaced.
    assert body["options"] == {"tags": ["y"], "fromClient": 1, "priorityBoost": 5}
    assert body["newTopLevel"] is True


def test_extra_query_adds_replaces_and_removes_parameters(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api/v1/runs").respond_with_json({"data": [], "pagination": {}})
    client = sync_client(httpserver.url_for(""))
    client.runs.list(
        limit=10,
        status=["COMPLETED"],
        request_options={
            "extra_query": {"filter[newThing]": ["a", "b"], "page[size]": None, "flag": True, "n": 2}
        },
    )
    args = _last(httpserver).args
    assert args["filter[newThing]"] == "a,b"
    assert args["flag"] == "true" and args["n"] == "2"
    assert "page[size]" not in args  # None removed what the call would have sent
    assert args["filter[status]"] == "COMPLETED"


def test_extra_headers_are_sent_and_additional_headers_still_works(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api/v3/runs/run_1").respond_with_json(retrieved_run())
    client = sync_client(httpserver.url_for(""))
    client.runs.retrieve("run_1", request_options={"extra_headers": {"X-Note": "new"}})
    assert _last(httpserver).headers["X-Note"] == "new"
    with pytest.warns(
        DeprecationWarning, match=r"\['additional_headers'\] is deprecated: use 'extra_headers'"
    ):
        client.runs.retrieve("run_1", request_options={"additional_headers": {"X-Note": "old"}})
    assert _last(httpserver).headers["X-Note"] == "old"


def test_extra_body_on_a_call_without_a_body_is_refused_before_sending(httpserver: HTTPServer) -> None:
    client = sync_client(httpserver.url_for(""))
    with pytest.raises(trigger_dev.InvalidArgumentError, match=r"runs.retrieve\(\) sends no JSON body"):
        client.runs.retrieve("run_1", request_options={"extra_body": {"x": 1}})
    assert httpserver.log == []


def test_extra_body_on_a_post_without_a_body_sends_one(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api/v2/runs/r/cancel", method="POST").respond_with_json({"id": "r"})
    sync_client(httpserver.url_for("")).runs.cancel("r", request_options={"extra_body": {"reason": "x"}})
    request = _last(httpserver)
    assert request.headers["Content-Type"] == "application/json"
    assert json.loads(request.get_data()) == {"reason": "x"}


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"extra_body": {1: "x"}}, "extra_body keys must be strings"),
        ({"extra_query": {"a": {"b": 1}}}, r"extra_query\['a'\] must be a string, number, boolean"),
        ({"extra_query": {"": "x"}}, "extra_query names must be non-empty strings"),
        ({"extra_headers": {"Authorization": "Bearer x"}}, "extra_headers cannot set 'Authorization'"),
        ({"extra_body": ["x"]}, r"request_options\['extra_body'\] must be Mapping"),
        ({"timeout": 0}, "must be a positive number of seconds"),
        ({"timeout": "5"}, r"request_options\['timeout'\] must be a number"),
        ({"retry": {"min_delay": -1}}, "min_delay and max_delay are seconds and cannot be negative"),
    ],
)
def test_bad_options_are_refused_before_sending(
    httpserver: HTTPServer, options: dict[str, Any], message: str
) -> None:
    client = sync_client(httpserver.url_for(""))
    with pytest.raises(trigger_dev.InvalidArgumentError, match=message):
        client.runs.retrieve("run_1", request_options=options)  # type: ignore[arg-type]
    assert httpserver.log == []


def test_extra_fields_do_not_get_around_the_credential_rules(httpserver: HTTPServer) -> None:
    client = sync_client(httpserver.url_for(""), access_token=ACCESS_TOKEN)
    with pytest.raises(trigger_dev.AuthMethodError, match="cannot be called with a personal access token"):
        client.tasks.trigger("t", request_options={"extra_body": {"payload": 1}, "extra_headers": {"X": "1"}})
    assert httpserver.log == []


def test_an_unknown_option_key_points_to_extra_body(httpserver: HTTPServer) -> None:
    with pytest.raises(trigger_dev.ArgumentTypeError, match=r"has no key 'priority_boost'.*'extra_body'"):
        sync_client(httpserver.url_for("")).tasks.trigger("t", options={"priority_boost": 1})  # type: ignore[arg-type]


def test_async_client_sends_extra_fields_too(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api/v1/tasks/t/trigger", method="POST").respond_with_json({"id": "run_1"})

    async def call() -> None:
        async with async_client(httpserver.url_for("")) as client:
            await client.tasks.trigger(
                "t",
                request_options={
                    "extra_body": {"options": {"new": 1}},
                    "extra_query": {"q": "1"},
                    "extra_headers": {"X-Note": "async"},
                },
            )

    asyncio.run(call())
    request = _last(httpserver)
    assert json.loads(request.get_data())["options"] == {"new": 1}
    assert request.args["q"] == "1" and request.headers["X-Note"] == "async"


# --- durations are seconds; the millisecond spellings are deprecated


def test_durations_are_seconds() -> None:
    options = ResolvedOptions().merged(
        {"timeout": 2.5, "connect_timeout": 1, "retry": {"min_delay": 0.2, "max_delay": 3}}
    )
    assert (options.timeout, options.connect_timeout) == (2.5, 1.0)
    assert (options.retry.min_delay, options.retry.max_delay) == (0.2, 3)
    assert options.retry.backoff(1) == 0.2


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ({"timeout_in_ms": 2500}, {"timeout": 2.5}),
        ({"connect_timeout_in_ms": 100}, {"connect_timeout": 0.1}),
        (
            {"retry": {"min_timeout_in_ms": 200, "max_timeout_in_ms": 3000}},
            {"retry": {"min_delay": 0.2, "max_delay": 3}},
        ),
    ],
)
def test_the_millisecond_spellings_still_work_with_a_warning(
    old: dict[str, Any], new: dict[str, Any]
) -> None:
    with pytest.warns(DeprecationWarning, match=r"is deprecated: use '\w+' \(seconds, not milliseconds\)"):
        converted = ResolvedOptions().merged(old)  # type: ignore[arg-type]
    assert converted == ResolvedOptions().merged(new)  # type: ignore[arg-type]


def test_the_deprecation_warning_points_at_the_callers_line(httpserver: HTTPServer) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        TriggerClient(
            secret_key="tr_dev_x", base_url="http://127.0.0.1:9", request_options={"timeout_in_ms": 5}
        )  # type: ignore[typeddict-unknown-key]
    assert caught and all(w.filename == __file__ for w in caught), [(w.filename, w.lineno) for w in caught]


def test_old_and_new_spelling_together_are_refused() -> None:
    with (
        pytest.warns(DeprecationWarning),
        pytest.raises(trigger_dev.InvalidArgumentError, match="keep only 'timeout'"),
    ):
        ResolvedOptions().merged({"timeout": 1, "timeout_in_ms": 1000})  # type: ignore[typeddict-unknown-key]

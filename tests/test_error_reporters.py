"""What error reporters see: Sentry, Django's debug page and rich/structlog tracebacks record the
locals of every frame an error passed through. None of them may render the key. And a process
pool sends exceptions back pickled: every error the package raises survives that."""

from __future__ import annotations

import asyncio
import pickle
import types
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import multidict
import pytest
from pytest_httpserver import HTTPServer

import trigger_dev
from tests.support.clients import sync_client
from trigger_dev import AsyncTriggerClient, TriggerClient

# Shaped like a real production key, so that a partial leak would show too.
KEY = "tr_prod_" + "Q7fZ2kLm9XwR4tBv8NcY1sDe"


def every_local(error: BaseException) -> Iterator[tuple[str, Any]]:
    """The locals of each frame of the error's traceback, and of every error chained to it."""
    seen: set[int] = set()
    pending: list[BaseException | None] = [error]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        tb: types.TracebackType | None = current.__traceback__
        while tb is not None:
            frame = tb.tb_frame
            for name, value in frame.f_locals.items():
                yield f"{frame.f_code.co_name}:{name}", value
            tb = tb.tb_next
        pending.extend([current.__cause__, current.__context__])


def assert_no_key_in_locals(error: BaseException) -> int:
    checked = 0
    for where, value in every_local(error):
        if where.startswith("test_"):
            continue  # the test's own frame
        for text in (repr(value), str(value)):
            assert KEY not in text, f"the key is visible in {where}"
            assert KEY[8:] not in text, f"part of the key is visible in {where}"
        checked += 1
    return checked


def key_client(url: str) -> TriggerClient:
    return sync_client(url, secret_key=KEY, retry={"max_attempts": 2, "min_delay": 0.001})


def failing(httpserver: HTTPServer, status: int) -> None:
    httpserver.expect_request("/api/v1/tasks/t/trigger").respond_with_json({"error": "no"}, status=status)


@pytest.mark.parametrize("status", [401, 500])
def test_no_frame_local_shows_the_key_sync(httpserver: HTTPServer, status: int) -> None:
    failing(httpserver, status)
    with pytest.raises(trigger_dev.ApiError) as caught:
        key_client(httpserver.url_for("")).tasks.trigger("t", {"n": 1})
    assert caught.value.status == status
    assert assert_no_key_in_locals(caught.value) > 5


def test_no_frame_local_shows_the_key_on_a_connection_error() -> None:
    with pytest.raises(trigger_dev.ApiConnectionError) as caught:
        key_client("http://127.0.0.1:9").tasks.trigger("t", {"n": 1})
    assert caught.value.__context__ is None  # urllib3's error, whose frames hold the headers, is not chained
    assert assert_no_key_in_locals(caught.value) > 5


@pytest.mark.parametrize("where", [401, 500, "refused"])
def test_no_frame_local_shows_the_key_async(httpserver: HTTPServer, where: int | str) -> None:
    if where == "refused":
        url = "http://127.0.0.1:9"
    else:
        assert isinstance(where, int)
        failing(httpserver, where)
        url = httpserver.url_for("")

    async def main() -> None:
        async with AsyncTriggerClient(
            secret_key=KEY,
            base_url=url,
            request_options={"retry": {"max_attempts": 2, "min_delay": 0.001}},
        ) as client:
            await client.tasks.trigger("t", {"n": 1})

    with pytest.raises(trigger_dev.ApiError) as caught:
        asyncio.run(main())
    assert assert_no_key_in_locals(caught.value) > 5


def test_the_objects_in_those_frames_render_no_key(httpserver: HTTPServer) -> None:
    client = key_client(httpserver.url_for(""))
    call = client._client._prepare(trigger_dev._operations.TASKS_TRIGGER, {"task_id": "t"}, None)  # type: ignore[attr-defined]
    outgoing = client._client._outgoing(call)
    assert outgoing.headers["Authorization"] == f"Bearer {KEY}"  # what is sent is intact
    for shown in (
        outgoing,
        outgoing.headers,
        call,
        client,
        client._client._transport,
        client._client.credential,
    ):
        assert KEY not in repr(shown) and KEY not in str(shown)
    assert "<redacted>" in repr(outgoing.headers)


def test_a_secret_environment_variable_value_is_not_in_the_repr() -> None:
    from trigger_dev.models import EnvironmentVariable

    variable = EnvironmentVariable.from_dict(
        {"name": "DATABASE_URL", "value": "postgres://u:pw@db/x", "isSecret": False}
    )
    assert "pw@db" not in repr(variable) and "value='***'" in repr(variable)
    assert variable.value == "postgres://u:pw@db/x"


# --- pickling


def named(error: trigger_dev.ApiError) -> trigger_dev.ApiError:
    error.operation = "runs.retrieve"
    return error


def examples() -> list[BaseException]:
    headers = multidict.CIMultiDictProxy(multidict.CIMultiDict({"x-request-id": "req_1"}))  # aiohttp's kind
    rate = trigger_dev.RateLimitError(
        "slow down", status=429, headers={"retry-after": "3"}, body={"error": "slow"}
    )
    rate.retry_after_seconds = 3.0
    return [
        trigger_dev.ApiError("boom", status=418, headers=headers, body={"error": "boom", "code": "c"}),
        trigger_dev.ApiConnectionError("refused"),
        trigger_dev.ApiTimeoutError("slow"),
        trigger_dev.BadRequestError("bad", status=400, body={"error": "bad", "param": "p"}),
        trigger_dev.AuthenticationError("who", status=401),
        trigger_dev.PermissionDeniedError("no", status=403, body={"error": "no", "type": "authorization"}),
        named(trigger_dev.NotFoundError("gone", status=404)),
        trigger_dev.ConflictError("clash", status=409),
        trigger_dev.UnprocessableEntityError("nope", status=422),
        rate,
        trigger_dev.InternalServerError("oops", status=503),
        trigger_dev.ApiSchemaValidationError("shape", status=200, body="{}"),
        trigger_dev.BatchNotSealedError("unsealed", status=200),
        trigger_dev.ObjectStoreError("store", status=403, operation="runs.retrieve", field="output"),
        trigger_dev.AuthMethodError(
            "wrong key", operation="runs.retrieve", credential="personal access token"
        ),
        trigger_dev.NoSuchPageError("no next page"),
        trigger_dev.InvalidArgumentError("runs.list() argument 'limit' must be at most 100"),
        trigger_dev.ArgumentTypeError("runs.retrieve() is missing the required argument 'run_id'"),
        trigger_dev.ClientClosedError("runs.retrieve: this client was closed"),
        trigger_dev.PollTimeoutError("slow run", run_id="run_1", status="EXECUTING", waited=600.0),
        trigger_dev.PollTimeoutError(
            "slow bulk action", bulk_action_id="bulk_1", status="PENDING", waited=600.0
        ),
        trigger_dev.WebhookVerificationError("the signature does not match the body"),
        trigger_dev.SchemaError("expected a string", ["Run.id"]),
        trigger_dev.TriggerError("anything"),
    ]


def test_every_exported_error_is_in_the_examples() -> None:
    exported = {
        value
        for name in trigger_dev.__all__
        if isinstance(value := getattr(trigger_dev, name), type) and issubclass(value, BaseException)
    }
    assert exported <= {type(e) for e in examples()}


@pytest.mark.parametrize("error", examples(), ids=lambda e: type(e).__name__)
def test_every_error_survives_pickling_with_its_attributes(error: BaseException) -> None:
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is type(error)
    assert str(copy) == str(error) and copy.args == error.args
    for name, value in vars(error).items():
        if name == "headers":
            assert dict(copy.headers) == dict(value)  # type: ignore[attr-defined]
        else:
            assert getattr(copy, name) == value, name


def _call_with_a_pat(_: int) -> str:
    # Raised in the worker before anything is sent: runs.retrieve takes no personal access token.
    client = TriggerClient(access_token="tr_pat_fakeToken", base_url="http://127.0.0.1:9")
    return client.runs.retrieve("run_1").id


def _fine(number: int) -> int:
    return number * 2


def test_an_error_in_a_process_pool_worker_reaches_the_caller_and_the_pool_lives_on() -> None:
    with ProcessPoolExecutor(max_workers=1) as pool:
        failure = pool.submit(_call_with_a_pat, 1).exception(timeout=60)
        assert isinstance(failure, trigger_dev.AuthMethodError)
        assert (failure.operation, failure.credential) == ("runs.retrieve", "personal access token")
        assert pool.submit(_fine, 21).result(timeout=60) == 42  # not a BrokenProcessPool

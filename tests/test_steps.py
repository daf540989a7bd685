"""The two drivers of a core written as steps (`_http.steps`): `SyncAPIClient.run` and
`AsyncAPIClient.run` carry out the same generator alike, so a protocol written once behaves
the same on both clients."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from tests.support.clients import AsyncWaits, Waits, async_client, sync_client
from tests.support.factories import retrieved_run
from trigger_dev import NotFoundError
from trigger_dev import _operations as operations
from trigger_dev._http.steps import Pause, Request, Steps


def _core(log: list[str]) -> Steps[str]:
    """Reads a run, waits, reads a missing one and handles its 404 itself."""
    run = (yield Request(operations.RUNS_RETRIEVE, {"run_id": "run_1"}, None)).parse()
    log.append(run.id)
    yield Pause(0.25)
    try:
        yield Request(operations.RUNS_RETRIEVE, {"run_id": "run_missing"}, None)
    except NotFoundError as error:
        log.append(f"caught {error.status}")
    return "done"


def _serve(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api/v3/runs/run_1").respond_with_json(retrieved_run())
    httpserver.expect_request("/api/v3/runs/run_missing").respond_with_json(
        {"error": "Not found"}, status=404
    )


def test_the_sync_driver_sends_each_step_result_and_error_back_in(httpserver: HTTPServer) -> None:
    _serve(httpserver)
    log: list[str] = []
    waits = Waits()
    with sync_client(httpserver.url_for(""), waits=waits) as client:
        assert client._client.run(_core(log)) == "done"
    assert log == ["run_1", "caught 404"]
    assert waits == [0.25]


def test_the_async_driver_does_the_same(httpserver: HTTPServer) -> None:
    _serve(httpserver)
    log: list[str] = []
    waits = AsyncWaits()

    async def main() -> Any:
        async with async_client(httpserver.url_for(""), waits=waits) as client:
            return await client._client.run(_core(log))

    assert asyncio.run(main()) == "done"
    assert log == ["run_1", "caught 404"]
    assert waits == [0.25]


def test_an_error_the_core_does_not_handle_reaches_the_caller(httpserver: HTTPServer) -> None:
    _serve(httpserver)

    def core() -> Steps[None]:
        yield Request(operations.RUNS_RETRIEVE, {"run_id": "run_missing"}, None)

    with sync_client(httpserver.url_for("")) as client, pytest.raises(NotFoundError):
        client._client.run(core())


def test_stop_iteration_passes_through_instead_of_becoming_a_runtime_error(httpserver: HTTPServer) -> None:
    # A generator turns a StopIteration thrown into it into RuntimeError (PEP 479); the
    # driver raises it as it came, so that it ends the caller's loop as a direct call would.
    def core() -> Steps[None]:
        yield Request(operations.RUNS_RETRIEVE, {"run_id": "run_1"}, None)

    with sync_client(httpserver.url_for("")) as client:

        def stop(*args: Any, **kwargs: Any) -> Any:
            raise StopIteration

        client._client._transport.send = stop  # type: ignore[method-assign]
        with pytest.raises(StopIteration):
            client._client.run(core())

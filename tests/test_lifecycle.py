"""A client's life: closing it ends it (no silent reconnection), `configure()` closes the
default client it replaces, and the async client without its extra says how to install it."""

from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap

import pytest
from pytest_httpserver import HTTPServer

import trigger_dev
from tests.support.clients import SECRET_KEY, async_client, sync_client
from tests.support.factories import retrieved_run


def _serve_run(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api/v3/runs/run_1").respond_with_json(retrieved_run())


def test_a_closed_client_refuses_calls_and_sends_nothing(httpserver: HTTPServer) -> None:
    _serve_run(httpserver)
    client = sync_client(httpserver.url_for(""))
    assert client.runs.retrieve("run_1").id == "run_1"
    client.close()
    assert client.is_closed and "closed" in repr(client)
    sent = len(httpserver.log)
    with pytest.raises(trigger_dev.ClientClosedError, match=r"^runs.retrieve: this client was closed"):
        client.runs.retrieve("run_1")
    with pytest.raises(trigger_dev.ClientClosedError):
        client.runs.with_raw_response.retrieve("run_1")
    assert len(httpserver.log) == sent


def test_leaving_the_with_block_closes_the_client(httpserver: HTTPServer) -> None:
    _serve_run(httpserver)
    with sync_client(httpserver.url_for("")) as client:
        client.runs.retrieve("run_1")
    with pytest.raises(trigger_dev.ClientClosedError) as caught:
        client.runs.retrieve("run_1")
    # One of the package's errors, and a ValueError for code written against the stdlib.
    assert isinstance(caught.value, trigger_dev.TriggerError) and isinstance(caught.value, ValueError)


def test_a_page_of_a_closed_client_does_not_fetch_the_next(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api/v1/runs").respond_with_json(
        {"data": [], "pagination": {"next": "cursor_2"}}
    )
    client = sync_client(httpserver.url_for(""))
    page = client.runs.list()
    client.close()
    with pytest.raises(trigger_dev.ClientClosedError, match="runs.list"):
        page.get_next_page()


def test_an_async_client_refuses_calls_after_close(httpserver: HTTPServer) -> None:
    _serve_run(httpserver)

    async def calls() -> None:
        async with async_client(httpserver.url_for("")) as client:
            await client.runs.retrieve("run_1")
        assert client.is_closed
        with pytest.raises(trigger_dev.ClientClosedError, match="runs.retrieve"):
            await client.runs.retrieve("run_1")
        other = async_client(httpserver.url_for(""))
        await other.close()
        with pytest.raises(trigger_dev.ClientClosedError):
            async for _ in other.runs.list():
                pass

    sent = len(httpserver.log)
    asyncio.run(calls())
    assert len(httpserver.log) == sent + 1


def test_configure_closes_the_default_client_it_replaces(httpserver: HTTPServer) -> None:
    _serve_run(httpserver)
    first = trigger_dev.configure(secret_key=SECRET_KEY, base_url=httpserver.url_for(""))
    assert trigger_dev.runs.retrieve("run_1").id == "run_1"
    second = trigger_dev.configure(secret_key=SECRET_KEY, base_url=httpserver.url_for(""))
    assert first.is_closed and not second.is_closed
    assert trigger_dev.default_client() is second
    assert trigger_dev.runs.retrieve("run_1").id == "run_1"  # the module level follows the new one
    with pytest.raises(trigger_dev.ClientClosedError):
        first.runs.retrieve("run_1")


def test_the_async_client_without_its_extra_names_the_install_command() -> None:
    # aiohttp (and yarl, which comes with it) blocked as if not installed.
    script = textwrap.dedent(
        """
        import sys
        sys.modules["aiohttp"] = None
        sys.modules["yarl"] = None
        import trigger_dev
        trigger_dev.TriggerClient(secret_key="tr_dev_x")  # the sync client does not need it
        try:
            trigger_dev.AsyncTriggerClient(secret_key="tr_dev_x")
        except ImportError as error:
            print(error)
        else:
            print("no error")
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    assert "pip install 'trigger-dev[async]'" in result.stdout, result.stdout + result.stderr

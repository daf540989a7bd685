"""Forked workers (gunicorn --preload, Celery prefork, multiprocessing) never share a
connection with their parent: a pool warmed before the fork, then parent and children calling
at once against a local server, every answer checked against its own request.

Without the reset after fork, parent and children read answers off the same keep-alive
sockets: a child asking for one run got another process's run.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import os
import random
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

import trigger_dev
from tests.support.clients import SECRET_KEY, sync_client
from tests.support.factories import retrieved_run
from tests.support.local_server import JsonHandler, serving
from trigger_dev import AsyncTriggerClient, TriggerClient

pytestmark = pytest.mark.skipif(sys.platform == "win32" or not hasattr(os, "fork"), reason="needs fork")

CHILDREN = 3
CALLS = 40


class _Runs(JsonHandler):
    """Answers a retrieve with the run it was asked about, a little late, so that answers for
    different processes overlap on the wire."""

    def do_GET(self) -> None:
        run_id = self.path.rsplit("/", 1)[-1]
        time.sleep(random.uniform(0, 0.003))
        self.send_json(json.dumps(retrieved_run(run_id)))


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    with serving(_Runs) as base:
        yield base


def calls(client: TriggerClient, who: str) -> list[tuple[str, str]]:
    """``(asked, answered)`` for CALLS retrieves."""
    answers = []
    for number in range(CALLS):
        asked = f"run_{who}_{number}"
        answers.append((asked, client.runs.retrieve(asked).id))
    return answers


def test_children_of_a_warm_client_get_their_own_answers(url: str) -> None:
    client = sync_client(url, retry={"max_attempts": 1})
    assert client.runs.retrieve("run_warm").id == "run_warm"  # a pooled connection exists now
    children = []
    for child in range(CHILDREN):
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: report its answers through the pipe, then leave at once
            os.close(read)
            try:
                report = json.dumps(calls(client, f"child{child}"))
            except BaseException as error:  # any failure is reported, never raised into pytest
                report = json.dumps({"error": repr(error)})
            os.write(write, report.encode())
            os._exit(0)
        os.close(write)
        children.append((pid, read))
    parent_answers = calls(client, "parent")  # while the children call too
    assert all(asked == got for asked, got in parent_answers)
    for pid, read in children:
        chunks = []
        while chunk := os.read(read, 65536):
            chunks.append(chunk)
        os.close(read)
        _, status = os.waitpid(pid, 0)
        assert status == 0
        report = json.loads(b"".join(chunks))
        assert isinstance(report, list), report
        assert len(report) == CALLS
        assert [asked for asked, got in report if asked != got] == []


def _worker(number: int) -> list[tuple[str, str]]:
    # Runs in a pool process: the module-level namespace uses the default client that the
    # parent configured and warmed before the pool forked.
    return [
        (f"run_pool{number}_{i}", trigger_dev.runs.retrieve(f"run_pool{number}_{i}").id) for i in range(10)
    ]


def test_a_fork_context_process_pool_shares_no_connection(url: str) -> None:
    trigger_dev.configure(secret_key=SECRET_KEY, base_url=url, request_options={"retry": {"max_attempts": 1}})
    assert trigger_dev.runs.retrieve("run_warm").id == "run_warm"
    stop = threading.Event()
    parent_errors: list[str] = []

    def parent_calls() -> None:
        number = 0
        while not stop.is_set() and number < 500:
            asked = f"run_parent_{number}"
            got = trigger_dev.runs.retrieve(asked).id
            if got != asked:
                parent_errors.append(f"{asked} -> {got}")
            number += 1

    context = multiprocessing.get_context("fork")
    with context.Pool(CHILDREN) as pool:
        thread = threading.Thread(target=parent_calls)
        thread.start()
        try:
            results = pool.map(_worker, range(12), chunksize=1)
        finally:
            stop.set()
            thread.join(timeout=30)
    assert parent_errors == []
    assert [(asked, got) for batch in results for asked, got in batch if asked != got] == []
    assert sum(len(batch) for batch in results) == 120


def test_an_async_client_in_a_child_gets_a_session_of_its_own(url: str) -> None:
    client = AsyncTriggerClient(secret_key=SECRET_KEY, base_url=url)
    loop = asyncio.new_event_loop()
    try:
        assert loop.run_until_complete(client.runs.retrieve("run_warm")).id == "run_warm"
        parent_session = client._client._transport._session
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(read)
            try:

                async def child_calls() -> list[bool]:
                    results = await asyncio.gather(*(client.runs.retrieve(f"run_a{i}") for i in range(20)))
                    fresh = client._client._transport._session is not parent_session
                    await client.close()
                    return [run.id == f"run_a{i}" for i, run in enumerate(results)] + [fresh]

                report = json.dumps(asyncio.run(child_calls()))
            except BaseException as error:
                report = json.dumps({"error": repr(error)})
            os.write(write, report.encode())
            os._exit(0)
        os.close(write)

        async def parent_calls() -> list[Any]:
            return list(await asyncio.gather(*(client.runs.retrieve(f"run_p{i}") for i in range(20))))

        parent = loop.run_until_complete(parent_calls())
        assert [run.id for run in parent] == [f"run_p{i}" for i in range(20)]
        chunks = []
        while chunk := os.read(read, 65536):
            chunks.append(chunk)
        os.close(read)
        os.waitpid(pid, 0)
        report = json.loads(b"".join(chunks))
        assert report == [True] * 21, report
    finally:
        loop.run_until_complete(client.close())
        loop.close()

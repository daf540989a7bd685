"""`runs.subscribe_to_run(..., stop_on_completion=False)`: the subscription keeps following a
finished run (late metadata), as the official SDK's ``stopOnCompletion: false`` does."""

from __future__ import annotations

import json
from typing import Any

import pytest

import trigger_dev
from tests.support.clients import sync_client
from tests.support.realtime_server import RealtimeServer, realtime_server, run_row
from tests.test_realtime import MODES, follow, lifecycle


@pytest.fixture
def server() -> Any:
    with realtime_server() as state:
        yield state


@pytest.mark.parametrize("mode", MODES)
def test_metadata_set_after_the_run_finished_arrives(mode: str, server: RealtimeServer) -> None:
    row = run_row(1)
    server.insert(row)
    finish = lifecycle(server, row["id"])

    def during(count: int, run: Any) -> None:
        finish(count, run)
        if count == 3:  # the finished snapshot: the task's onComplete hook sets metadata late
            server.update(row["id"], metadata=json.dumps({"summary": "sent"}))

    runs = follow(
        mode, server, lambda r: r.subscribe_to_run("run_1", stop_on_completion=False), during=during, limit=4
    )
    assert [str(r.status) for r in runs] == ["QUEUED", "EXECUTING", "COMPLETED", "COMPLETED"]
    assert runs[-1].metadata == {"summary": "sent"}


def test_by_default_it_ends_with_the_finished_snapshot(server: RealtimeServer) -> None:
    row = run_row(1)
    server.insert(row)
    runs = follow("sync", server, lambda r: r.subscribe_to_run("run_1"), during=lifecycle(server, row["id"]))
    assert [str(r.status) for r in runs] == ["QUEUED", "EXECUTING", "COMPLETED"]


def test_a_non_bool_is_refused_before_sending(server: RealtimeServer) -> None:
    with pytest.raises(trigger_dev.ArgumentTypeError, match="stop_on_completion must be True or False"):
        sync_client(server.base_url).runs.subscribe_to_run("run_1", stop_on_completion="no")  # type: ignore[arg-type]
    assert server.requests == []

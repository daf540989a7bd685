"""Realtime run subscriptions against a local server speaking the shape protocol as the
upstream server does (tests/support/realtime_server.py): snapshots, updates, deletes,
must-refetch, dropped connections, held live requests, 429, sync and async."""

from __future__ import annotations

import asyncio
import datetime
import json
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest

import trigger_dev
from tests.support.clients import AsyncWaits, Waits, async_client, sync_client
from tests.support.realtime_server import RealtimeServer, realtime_server, run_row
from trigger_dev._realtime.subscriptions import SKIPPABLE_FIELDS, SnapshotBuilder
from trigger_dev.models import RealtimeRun

MODES = ["sync", "async"]
CREATED = datetime.datetime(2026, 1, 2, 3, 4, 5, 120000, tzinfo=datetime.timezone.utc)
LATER = CREATED + datetime.timedelta(seconds=90)

During = Callable[[int, RealtimeRun], None]


@pytest.fixture
def server() -> Any:
    with realtime_server() as state:
        yield state


def follow(
    mode: str,
    server: RealtimeServer,
    subscribe: Callable[[Any], Any],
    *,
    limit: int | None = None,
    during: During | None = None,
    waits: list[float] | None = None,
) -> list[RealtimeRun]:
    """The snapshots a subscription yields, sync or async: ``during`` runs after each one
    (to change the table), ``limit`` leaves the loop, ``waits`` records reconnect waits."""
    seen: list[RealtimeRun] = []

    def keep(run: RealtimeRun) -> bool:
        seen.append(run)
        if during is not None:
            during(len(seen), run)
        return limit is not None and len(seen) >= limit

    if mode == "sync":
        sync_waits = Waits() if waits is not None else None
        client = sync_client(server.base_url, waits=sync_waits)
        try:
            with subscribe(client.runs) as subscription:
                for run in subscription:
                    if keep(run):
                        break
        finally:
            if waits is not None and sync_waits is not None:
                waits.extend(sync_waits)
        return seen

    async def main() -> None:
        async_waits = AsyncWaits() if waits is not None else None
        client = async_client(server.base_url, waits=async_waits)
        try:
            async with subscribe(client.runs) as subscription:
                async for run in subscription:
                    if keep(run):
                        break
        finally:
            await client.close()
            if waits is not None and async_waits is not None:
                waits.extend(async_waits)

    asyncio.run(main())
    return seen


def lifecycle(server: RealtimeServer, row_id: str) -> During:
    """Start the run after the first snapshot, complete it after the second."""

    def during(count: int, run: RealtimeRun) -> None:
        if count == 1:
            server.update(row_id, status="EXECUTING", startedAt=CREATED, updatedAt=CREATED)
        elif count == 2:
            server.update(
                row_id,
                status="COMPLETED_SUCCESSFULLY",
                output=json.dumps({"sent": True}),
                completedAt=LATER,
                updatedAt=LATER,
                usageDurationMs=1234,
                costInCents=0.25,
            )

    return during


# ---------------------------------------------------------------------------------------
# One run, from its first snapshot to its end


@pytest.mark.parametrize("mode", MODES)
def test_a_run_from_its_first_snapshot_to_its_end(mode: str, server: RealtimeServer) -> None:
    row = run_row(1, runTags=["welcome"])
    server.insert(row)
    runs = follow(mode, server, lambda r: r.subscribe_to_run("run_1"), during=lifecycle(server, row["id"]))

    assert [str(r.status) for r in runs] == ["QUEUED", "EXECUTING", "COMPLETED"]  # then it ended by itself
    first, started, done = runs
    assert first.id == "run_1" and first.task_identifier == "send-email"
    assert first.payload == {"to": "a@example.com"} and first.output is None
    assert first.is_queued and not first.is_completed and first.finished_at is None
    assert started.started_at == CREATED and started.is_executing
    # An update carries only the changed columns; the rest of the row stays.
    assert done.payload == {"to": "a@example.com"} and done.tags == ["welcome"]
    assert done.output == {"sent": True} and done.finished_at == LATER
    assert done.duration_ms == 1234 and done.cost_in_cents == 0.25
    assert done.is_completed and done.is_success and not done.is_failed

    requests = server.shape_requests()
    assert requests[0].query == {"offset": "-1", "log": "full"}
    for request in requests:
        headers = {k.lower(): v for k, v in request.headers.items()}
        assert headers["x-trigger-electric-version"] == "1.0.0-beta.1"
        assert headers["x-trigger-api-version"] == "2025-07-16"
        assert headers["authorization"].startswith("Bearer ")
    for request in requests[1:]:
        assert request.query["live"] == "true" and request.query["handle"] == server.handle
    assert len(requests) == 3  # the snapshot, then one live request per change


def test_values_are_typed_by_the_schema(server: RealtimeServer) -> None:
    error = {"type": "BUILT_IN_ERROR", "name": "TypeError", "message": "x is undefined", "stackTrace": "at f"}
    server.insert(
        run_row(
            1,
            status="COMPLETED_WITH_ERRORS",
            isTest=True,
            costInCents=1.5,
            baseCostInCents=0.5,
            usageDurationMs=12,
            runTags=["a", "b c", 'q"x', "back\\slash"],
            error=error,
            delayUntil=CREATED,
            expiredAt=LATER,
            completedAt=LATER,
            metadata=json.dumps({"progress": 0.5}),
            payload=json.dumps(
                {"json": {"when": "2026-01-02T03:04:05.000Z"}, "meta": {"values": {"when": ["Date"]}}}
            ),
            payloadType="application/super+json",
            output="plain words",
            outputType="text/plain",
            realtimeStreams=["openai", "logs"],
        )
    )
    (run,) = follow("sync", server, lambda r: r.subscribe_to_run("run_1"))
    assert run.is_test is True and run.cost_in_cents == 1.5 and run.base_cost_in_cents == 0.5
    assert run.duration_ms == 12
    assert run.tags == ["a", "b c", 'q"x', "back\\slash"]
    assert run.delayed_until == CREATED and run.expired_at == LATER and run.finished_at == LATER
    assert run.metadata == {"progress": 0.5}
    assert run.payload == {"when": "2026-01-02T03:04:05.000Z"}  # superjson: its json member
    assert run.output == "plain words"
    assert run.realtime_streams == ["openai", "logs"]
    assert str(run.status) == "FAILED" and run.is_failed and run.is_completed
    assert run.error is not None and run.error.name == "TypeError" and run.error.message == "x is undefined"
    assert run.error.stack_trace == "at f" and run.error.additional_properties == {"type": "BUILT_IN_ERROR"}
    wire = run.to_dict()
    assert wire["createdAt"] == "2026-01-02T03:04:05.12Z"  # ISO 8601 UTC on the way out


# The official SDK's mapping (packages/core/src/v3/apiClient/runStream.ts, apiStatusFromRunStatus,
# v4.5.12), written out here independently of the spec's x-database-statuses.
OFFICIAL_STATUS = {
    "DELAYED": "DELAYED",
    "WAITING_FOR_DEPLOY": "PENDING_VERSION",
    "PENDING_VERSION": "PENDING_VERSION",
    "PENDING": "QUEUED",
    "PAUSED": "WAITING",
    "WAITING_TO_RESUME": "WAITING",
    "DEQUEUED": "DEQUEUED",
    "RETRYING_AFTER_FAILURE": "EXECUTING",
    "EXECUTING": "EXECUTING",
    "CANCELED": "CANCELED",
    "COMPLETED_SUCCESSFULLY": "COMPLETED",
    "SYSTEM_FAILURE": "SYSTEM_FAILURE",
    "CRASHED": "CRASHED",
    "INTERRUPTED": "FAILED",
    "COMPLETED_WITH_ERRORS": "FAILED",
    "EXPIRED": "EXPIRED",
    "TIMED_OUT": "TIMED_OUT",
    "SOMETHING_NEW": "QUEUED",  # anything else
}
FLAGS = {  # the same file's isQueued ... isCancelled
    "is_queued": {"PENDING_VERSION", "QUEUED", "DELAYED"},
    "is_waiting": {"WAITING"},
    "is_executing": {"DEQUEUED", "EXECUTING"},
    "is_failed": {"FAILED", "CRASHED", "SYSTEM_FAILURE", "EXPIRED", "TIMED_OUT"},
    "is_success": {"COMPLETED"},
    "is_cancelled": {"CANCELED"},
}


@pytest.mark.parametrize("database_status", sorted(OFFICIAL_STATUS))
def test_database_statuses_read_as_the_official_sdk_reads_them(database_status: str) -> None:
    row = {
        "id": "cm1",
        "friendlyId": "run_1",
        "taskIdentifier": "t",
        "status": database_status,
        "createdAt": "2026-01-02 03:04:05",
        "updatedAt": "2026-01-02 03:04:05.5",
    }
    run = SnapshotBuilder("test").build("k", row)
    status = OFFICIAL_STATUS[database_status]
    assert str(run.status) == status
    for flag, statuses in FLAGS.items():
        assert getattr(run, flag) is (status in statuses), flag
    assert run.is_completed is (status in FLAGS["is_success"] | FLAGS["is_failed"])
    assert run.updated_at == datetime.datetime(2026, 1, 2, 3, 4, 5, 500000, tzinfo=datetime.timezone.utc)
    assert run.tags == [] and run.duration_ms == 0 and run.is_test is False and run.realtime_streams == []


@pytest.mark.parametrize(
    ("stored", "message"),
    [
        ({"type": "STRING_ERROR", "raw": "it broke"}, "it broke"),
        ({"type": "CUSTOM_ERROR", "raw": '{"code": 7}'}, '{"code": 7}'),
        (
            {"type": "INTERNAL_ERROR", "code": "TASK_RUN_CRASHED"},
            "trigger.dev internal error (TASK_RUN_CRASHED)",
        ),
        (
            {"type": "INTERNAL_ERROR", "code": "MAX_DURATION_EXCEEDED", "message": "after 60 s"},
            "trigger.dev internal error (MAX_DURATION_EXCEEDED): after 60 s",
        ),
    ],
)
def test_stored_errors_read_as_run_errors(stored: dict[str, Any], message: str) -> None:
    row = {
        "id": "cm1",
        "friendlyId": "run_1",
        "taskIdentifier": "t",
        "status": "SYSTEM_FAILURE",
        "createdAt": "2026-01-02T03:04:05.000",  # the native backend's form
        "updatedAt": "2026-01-02 03:04:05",
        "error": stored,
    }
    run = SnapshotBuilder("test").build("k", row)
    assert run.error is not None and run.error.message == message
    assert run.error.additional_properties["type"] == stored["type"]  # nothing dropped
    assert run.created_at == datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)


def test_a_row_without_a_required_column_is_a_clear_error(server: RealtimeServer) -> None:
    builder = SnapshotBuilder("test")
    with pytest.raises(ValueError, match="the run's row has no 'friendlyId'"):
        builder.build("k", {"id": "cm1", "taskIdentifier": "t", "status": "PENDING"})


# ---------------------------------------------------------------------------------------
# Feeds of many runs: tags and batches


def test_a_first_sync_over_several_answers_is_emitted_once_complete(server: RealtimeServer) -> None:
    for number in (1, 2, 3):
        server.insert(run_row(number, runTags=["welcome", f"user_{number}"]))
    server.insert(run_row(4, runTags=["other"]))
    server.snapshot_chunk = 1
    runs = follow("sync", server, lambda r: r.subscribe_to_runs_with_tag("welcome"), limit=3)
    assert [r.id for r in runs] == ["run_1", "run_2", "run_3"]
    offsets = [r.query["offset"] for r in server.shape_requests()]
    assert offsets[:3] == ["-1", "4_1", "4_2"]  # catching up, not live, until up-to-date
    assert all("live" not in r.query for r in server.shape_requests()[:3])


def test_deletes_are_ignored_and_updates_merged_by_key(server: RealtimeServer) -> None:
    first, second = run_row(1, runTags=["t"]), run_row(2, runTags=["t"])
    server.insert(first)
    server.insert(second)

    def during(count: int, run: RealtimeRun) -> None:
        if count == 2:
            server.delete(first["id"])
            server.update(second["id"], status="EXECUTING")

    runs = follow("sync", server, lambda r: r.subscribe_to_runs_with_tag(["t"]), limit=3, during=during)
    assert [(r.id, str(r.status)) for r in runs] == [
        ("run_1", "QUEUED"),
        ("run_2", "QUEUED"),
        ("run_2", "EXECUTING"),
    ]


def test_tags_created_at_and_skipped_columns_are_sent(server: RealtimeServer) -> None:
    server.insert(run_row(1, runTags=["a", "b"], output=json.dumps(1)))
    subscribe = lambda r: r.subscribe_to_runs_with_tag(  # noqa: E731
        ["a", "b"], created_at=datetime.timedelta(hours=2), skip_columns=["payload", "output"]
    )
    (run,) = follow("sync", server, subscribe, limit=1)
    assert run.payload is None and run.output is None and run.tags == ["a", "b"]
    query = server.shape_requests()[0].query
    assert query["tags"] == "a,b" and query["createdAt"] == "7200s"
    assert query["skipColumns"] == "payload,payloadType,output,outputType"


def test_every_skippable_field_names_real_columns() -> None:
    schema = trigger_dev._operations.SKIP_COLUMNS_PARAM.schema
    assert schema is not None
    spec_columns = set(schema["items"]["enum"])
    assert {c for columns in SKIPPABLE_FIELDS.values() for c in columns} <= spec_columns
    for name in SKIPPABLE_FIELDS:
        assert isinstance(getattr(RealtimeRun, name), property), name


@pytest.mark.parametrize("mode", MODES)
def test_a_batch_subscription(mode: str, server: RealtimeServer) -> None:
    server.insert(run_row(1, batchId="cmbatch1"))
    server.insert(run_row(2, batchId="cmbatch1"))
    server.insert(run_row(3))
    runs = follow(mode, server, lambda r: r.subscribe_to_batch("cmbatch1"), limit=2)
    assert sorted(r.id for r in runs) == ["run_1", "run_2"]


def test_a_batch_not_yet_readable_is_asked_again_then_reported(server: RealtimeServer) -> None:
    waits: list[float] = []
    with pytest.raises(trigger_dev.NotFoundError):
        follow("sync", server, lambda r: r.subscribe_to_batch("batch_unknown"), waits=waits)
    assert len(server.shape_requests()) == 4  # x-should-retry: true, three more tries
    assert waits == [0.1, 0.13, pytest.approx(0.169)]


# ---------------------------------------------------------------------------------------
# The protocol's hard parts


@pytest.mark.parametrize("mode", MODES)
def test_must_refetch_starts_again_from_the_new_handle(mode: str, server: RealtimeServer) -> None:
    row = run_row(1, runTags=["t"])
    server.insert(row)
    old_handle = server.handle

    def during(count: int, run: RealtimeRun) -> None:
        if count == 1:
            server.rotate()  # the held live request answers 409

    runs = follow(mode, server, lambda r: r.subscribe_to_runs_with_tag("t"), limit=2, during=during)
    assert [r.id for r in runs] == ["run_1", "run_1"]  # every row again, from the new shape
    queries = [r.query for r in server.shape_requests()]
    assert queries[1]["handle"] == old_handle and queries[1]["live"] == "true"  # answered 409
    assert queries[2] == {"tags": "t", "offset": "-1", "handle": server.handle, "log": "full"}


@pytest.mark.parametrize("mode", MODES)
def test_a_dropped_connection_resumes_from_the_last_offset(mode: str, server: RealtimeServer) -> None:
    row = run_row(1)
    server.insert(row)

    def during(count: int, run: RealtimeRun) -> None:
        if count == 1:
            server.faults.append("drop")
            server.update(row["id"], status="EXECUTING")

    waits: list[float] = []
    runs = follow(mode, server, lambda r: r.subscribe_to_run("run_1"), limit=2, during=during, waits=waits)
    assert [str(r.status) for r in runs] == ["QUEUED", "EXECUTING"]  # nothing twice, nothing lost
    dropped, resumed = server.shape_requests()[1:3]
    assert resumed.query == dropped.query  # the same offset and handle
    assert waits == [0.1]


@pytest.mark.parametrize("mode", MODES)
def test_429_on_the_live_connection_limit_is_waited_out(mode: str, server: RealtimeServer) -> None:
    row = run_row(1)
    server.insert(row)

    def during(count: int, run: RealtimeRun) -> None:
        if count == 1:
            server.faults.extend(["429", "429", "503"])
            server.update(row["id"], status="EXECUTING")

    waits: list[float] = []
    runs = follow(mode, server, lambda r: r.subscribe_to_run("run_1"), limit=2, during=during, waits=waits)
    assert [str(r.status) for r in runs] == ["QUEUED", "EXECUTING"]
    assert waits == [0.1, 0.13, pytest.approx(0.169)]  # the official client's backoff


def test_a_live_request_is_held_until_something_changes(server: RealtimeServer) -> None:
    row = run_row(1)
    server.insert(row)
    server.hold_seconds = 5.0
    timer = threading.Timer(0.3, lambda: server.update(row["id"], status="EXECUTING"))

    def during(count: int, run: RealtimeRun) -> None:
        if count == 1:
            timer.start()

    started = time.monotonic()
    runs = follow("sync", server, lambda r: r.subscribe_to_run("run_1"), limit=2, during=during)
    elapsed = time.monotonic() - started
    timer.join()
    assert [str(r.status) for r in runs] == ["QUEUED", "EXECUTING"]
    assert 0.25 < elapsed < 4.5  # answered when the row changed, not at the end of the hold
    assert len(server.shape_requests()) == 2


def test_quiet_live_answers_yield_nothing_and_send_the_cursor_back(server: RealtimeServer) -> None:
    row = run_row(1)
    server.insert(row)
    server.hold_seconds = 0.05
    timer = threading.Timer(0.4, lambda: server.update(row["id"], status="EXECUTING"))

    def during(count: int, run: RealtimeRun) -> None:
        if count == 1:
            timer.start()

    runs = follow("sync", server, lambda r: r.subscribe_to_run("run_1"), limit=2, during=during)
    timer.join()
    assert [str(r.status) for r in runs] == ["QUEUED", "EXECUTING"]
    live = [r.query for r in server.shape_requests() if r.query.get("live")]
    assert len(live) >= 3
    assert all("cursor" in q for q in live[1:])  # each quiet answer's cursor goes back


def test_reconnecting_gives_up_after_reconnect_timeout(server: RealtimeServer) -> None:
    server.insert(run_row(1))
    server.faults.extend(["503"] * 50)
    client = sync_client(server.base_url)
    started = time.monotonic()
    with pytest.raises(trigger_dev.InternalServerError, match="503"):
        list(client.runs.subscribe_to_run("run_1", reconnect_timeout=0.3))
    assert time.monotonic() - started < 2
    assert 3 <= len(server.shape_requests()) <= 6


@pytest.mark.parametrize(
    ("run_id", "faults", "error"),
    [("run_404", [], trigger_dev.NotFoundError), ("run_1", ["401"], trigger_dev.AuthenticationError)],
)
def test_errors_a_reconnect_cannot_cure_raise_at_once(
    server: RealtimeServer, run_id: str, faults: list[str], error: Any
) -> None:
    server.insert(run_row(1))
    server.faults.extend(faults)
    with pytest.raises(error):
        follow("sync", server, lambda r: r.subscribe_to_run(run_id))
    assert len(server.shape_requests()) == 1


def test_an_answer_without_its_protocol_headers_is_a_clear_error(server: RealtimeServer) -> None:
    server.insert(run_row(1))
    server.faults.append("strip")
    with pytest.raises(trigger_dev.ApiSchemaValidationError, match="may be removing response headers"):
        follow("sync", server, lambda r: r.subscribe_to_run("run_1"))


def test_a_stored_payload_is_downloaded_once(server: RealtimeServer) -> None:
    row = run_row(1, payload="proj_1/dev/run_1/payload.json", payloadType="application/store")
    server.insert(row)
    server.objects["proj_1/dev/run_1/payload.json"] = ("application/json", b'{"big": [1, 2, 3]}')
    runs = follow("sync", server, lambda r: r.subscribe_to_run("run_1"), during=lifecycle(server, row["id"]))
    assert [r.payload for r in runs] == [{"big": [1, 2, 3]}] * 3
    downloads = [r for r in server.requests if r.path.startswith("/objects/")]
    assert len(downloads) == 1
    assert "authorization" not in {k.lower() for k in downloads[0].headers}  # no key to the store


def test_streams_listed_in_metadata_by_older_sdks_count(server: RealtimeServer) -> None:
    server.insert(run_row(1, metadata=json.dumps({"$$streams": ["openai"]}), realtimeStreams=[]))
    (run,) = follow("sync", server, lambda r: r.subscribe_to_run("run_1"), limit=1)
    assert run.realtime_streams == ["openai"]


# ---------------------------------------------------------------------------------------
# Leaving, bad input, secrets


@pytest.mark.parametrize("mode", MODES)
def test_leaving_the_loop_sends_nothing_more(mode: str, server: RealtimeServer) -> None:
    server.insert(run_row(1))
    follow(mode, server, lambda r: r.subscribe_to_run("run_1"), limit=1)
    sent = len(server.requests)
    time.sleep(0.2)
    assert len(server.requests) == sent == 1


def test_a_closed_subscription_ends(server: RealtimeServer) -> None:
    server.insert(run_row(1))
    subscription = sync_client(server.base_url).runs.subscribe_to_run("run_1")
    assert next(subscription).id == "run_1"
    subscription.close()
    assert list(subscription) == []


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda r: r.subscribe_to_run("run_1", skip_columns=["nope"]),
            "skip_columns cannot leave out 'nope'",
        ),
        (lambda r: r.subscribe_to_runs_with_tag([]), "tags"),
        (lambda r: r.subscribe_to_runs_with_tag(['say "hi"']), "without control characters, backslashes"),
        (lambda r: r.subscribe_to_runs_with_tag("t", created_at="yesterday"), 'a duration such as "1h"'),
        (lambda r: r.subscribe_to_run("run_1", request_options={"timeout": 5}), "at least 30 seconds"),
        (lambda r: r.subscribe_to_batch("batch_1", reconnect_timeout=0), "reconnect_timeout"),
        (lambda r: r.subscribe_to_run(""), "empty"),
    ],
)
def test_bad_input_is_refused_before_sending(server: RealtimeServer, call: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call(sync_client(server.base_url).runs)
    assert server.requests == []


def test_a_subscription_shows_no_secret(server: RealtimeServer) -> None:
    server.insert(run_row(1))
    client = sync_client(server.base_url, secret_key="tr_dev_hiddenSecret123")
    subscription = client.runs.subscribe_to_run("run_1")
    next(subscription)
    assert "hiddenSecret" not in repr(subscription) + repr(vars(subscription))
    assert repr(subscription).startswith("<RunSubscription runs.subscribe_to_run(run_1) live")

"""`batches.trigger_many`: lazily chunked input, shared pacing on the batch limiter's 429s,
per-item outcomes in input order, and re-runs that trigger nothing twice; against the
batch-API stand-in in tests/support/batch_server.py."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from typing import Any

import pytest

import trigger_dev
from tests.support.batch_server import BatchServerState, batch_server
from tests.support.clients import ACCESS_TOKEN, async_client, sync_client
from trigger_dev import AuthMethodError, BatchNotSealedError, BulkProgress, ItemOutcome
from trigger_dev import _operations as operations
from trigger_dev.types import BatchTaskItem


def items(count: int, start: int = 0, task: str = "import-row") -> Iterator[BatchTaskItem]:
    for i in range(start, start + count):
        yield {"task": task, "payload": {"row": i}}


class Counting:
    """An input that counts how many items have been taken from it, and can crash."""

    def __init__(self, count: int, crash_after: int | None = None) -> None:
        self.count, self.crash_after, self.taken = count, crash_after, 0

    def __iter__(self) -> Iterator[BatchTaskItem]:
        for item in items(self.count):
            if self.crash_after is not None and self.taken == self.crash_after:
                raise RuntimeError("the process died here")
            self.taken += 1
            yield item


def test_items_become_batches_and_outcomes_come_in_input_order() -> None:
    progress: list[BulkProgress] = []
    with batch_server() as (url, state), sync_client(url) as client:
        outcomes = list(
            client.batches.trigger_many(items(2_500), resolve_runs=True, on_progress=progress.append)
        )
    assert [o.index for o in outcomes] == list(range(2_500))
    assert all(o.ok and o.task == "import-row" for o in outcomes)
    assert len({o.batch_id for o in outcomes}) == 3 == len(state.batches)
    assert sorted(len(b.runs) for b in state.batches.values()) == [500, 1_000, 1_000]
    assert state.runs_created == 2_500
    by_batch = {b.id: [b.runs[i] for i in sorted(b.runs)] for b in state.batches.values()}
    assert [o.run_id for o in outcomes[:1_000]] == by_batch[outcomes[0].batch_id or ""]
    assert len({o.run_id for o in outcomes}) == 2_500
    final = progress[-1]
    assert (final.items_read, final.items_accepted, final.items_failed, final.batches_done) == (
        2_500,
        2_500,
        0,
        3,
    )
    assert [p.items_read for p in progress] == [1_000, 2_000, 2_500]


def test_the_input_is_read_only_as_far_as_batches_are_in_flight() -> None:
    source = Counting(50_000)
    with batch_server() as (url, _), sync_client(url) as client:
        results = client.batches.trigger_many(source, batch_size=100, max_in_flight=2)
        assert source.taken == 0  # nothing is read, or sent, before the iteration starts
        first = next(iter(results))
        assert first.index == 0
        assert source.taken <= 100 * 3
        results.close()  # type: ignore[attr-defined]


def test_a_rerun_after_a_crash_triggers_nothing_twice() -> None:
    state = BatchServerState(unsealed_batches={1})  # the second batch is cut off before it seals
    with batch_server(state) as (url, _), sync_client(url, retry={"max_attempts": 1}) as client:
        with pytest.raises(RuntimeError, match="the process died here"):
            for _ in client.batches.trigger_many(
                Counting(3_000, crash_after=2_500), batch_size=1_000, idempotency_key="backfill-2025-01"
            ):
                pass
        # Two batches had been created when the input failed; the second never sealed.
        assert (len(state.batches), state.runs_created) == (2, 2_000)
        assert [b.sealed for b in state.batches.values()] == [True, False]
        state.unsealed_batches.clear()
        for batch in state.batches.values():
            batch.run_count = abs(batch.run_count)  # the server recovers

        again = list(
            client.batches.trigger_many(
                items(3_000), batch_size=1_000, idempotency_key="backfill-2025-01", resolve_runs=True
            )
        )
    assert all(o.ok for o in again)
    assert state.runs_created == 3_000  # the 2,000 runs of the first attempt were not made again
    assert len(state.batches) == 3  # the first two batches came back cached, and were re-sent
    assert all(b.sealed for b in state.batches.values())
    assert len({o.run_id for o in again}) == 3_000


def test_a_429_storm_is_waited_out_by_every_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    # Whether a creation came too early is judged where it is sent, against what the client
    # knew then: the server's arrival times also hold scheduling delays on a loaded machine.
    pacers: list[Any] = []

    class Watched(trigger_dev._bulk.trigger_many._Pacer):  # type: ignore[name-defined]
        def __init__(self) -> None:
            super().__init__()
            pacers.append(self)

    monkeypatch.setattr(trigger_dev._bulk.trigger_many, "_Pacer", Watched)
    state = BatchServerState(fail_creations=4, retry_after=0.4)
    progress: list[BulkProgress] = []
    still_to_wait: list[float] = []  # what the pacer still asked for as each creation left
    with batch_server(state) as (url, _), sync_client(url) as client:
        send = client._client.request

        def watched(operation: Any, *args: Any, **kwargs: Any) -> Any:
            if operation.routes == operations.TASKS_BATCH_TRIGGER_CREATE.routes:
                still_to_wait.append(max(0.0, pacers[0].not_before - time.monotonic()))
            return send(operation, *args, **kwargs)

        monkeypatch.setattr(client._client, "request", watched)
        outcomes = list(
            client.batches.trigger_many(items(6_000), max_in_flight=4, on_progress=progress.append)
        )
    assert all(o.ok for o in outcomes) and state.runs_created == 6_000
    assert progress[-1].rate_limited == 4
    assert progress[-1].waited_seconds > 0
    assert len(still_to_wait) == 6 + 4
    # A creation may leave just as another worker learns of a 429; never well inside a wait.
    assert max(still_to_wait) < 0.2, still_to_wait


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_after_a_429_one_worker_tests_the_limiter_before_the_others_go(mode: str) -> None:
    # A bucket that pays for one 1,000-item batch every 0.1 s. When a wait ends, four
    # workers creating at once would have three refused each time; one goes first instead.
    state = BatchServerState(capacity=1_000, refill_per_second=10_000)
    if mode == "sync":
        with batch_server(state) as (url, _), sync_client(url) as client:
            outcomes = list(client.batches.trigger_many(items(20_000), max_in_flight=4))
    else:

        async def main(url: str) -> list[ItemOutcome]:
            async with async_client(url) as client:
                return [o async for o in client.batches.trigger_many(items(20_000), max_in_flight=4)]

        with batch_server(state) as (url, _):
            outcomes = asyncio.run(main(url))
    assert all(o.ok for o in outcomes) and state.runs_created == 20_000
    refused = sum(1 for _, status in state.creations if status == 429)
    # About one 429 per batch (each needs a refill), plus the three of the first round;
    # workers all going when a wait ends were refused 41 to 46 times here.
    assert refused <= 20 + 6, f"{refused} creations refused for 20 batches"


def test_the_pacer_lets_one_creation_out_at_a_time_after_a_429() -> None:
    from trigger_dev._bulk.trigger_many import PROBE_INTERVAL, _Pacer

    pacer = _Pacer()
    a, b, c = object(), object(), object()  # three workers
    assert [pacer.delay(w) for w in (a, b, c)] == [0.0, 0.0, 0.0]  # no 429 yet: all go
    pacer.told_to_wait(0.0)
    assert [pacer.delay(w) for w in (a, b, c)] == [0.0, PROBE_INTERVAL, PROBE_INTERVAL]
    pacer.gave_up(b)  # only the probe's own failure frees the way
    assert pacer.delay(c) == PROBE_INTERVAL
    pacer.gave_up(a)  # the probe failed otherwise: another worker takes its place
    assert [pacer.delay(w) for w in (b, c)] == [0.0, PROBE_INTERVAL]
    pacer.created(b, unpaced=False, refusals_before=1)  # through after waiting: still one at a time
    assert [pacer.delay(w) for w in (c, a)] == [0.0, PROBE_INTERVAL]
    pacer.created(c, unpaced=True, refusals_before=0)  # a 429 came after it was sent: no proof
    assert [pacer.delay(w) for w in (a, b)] == [0.0, PROBE_INTERVAL]
    pacer.created(a, unpaced=True, refusals_before=1)  # through at once, nothing refused since
    assert [pacer.delay(w) for w in (a, b, c)] == [0.0, 0.0, 0.0]


def test_a_wait_lengthened_during_a_pause_is_waited_out_before_creating() -> None:
    # One worker sleeps on the pacer; another worker's 429 lengthens the wait meanwhile. The
    # sleeper must pause again, not create as soon as its first pause ends.
    from trigger_dev._bulk.trigger_many import _batch_steps, _Chunk, _Pacer, _Settings
    from trigger_dev._http.steps import Pause, Request

    pacer = _Pacer()
    pacer.told_to_wait(0.3)
    chunk = _Chunk(indexes=[0], tasks=["t"], lines=[{"task": "t"}], create_args={})
    settings = _Settings(None, None, resolve_runs=False, resolve_timeout=1.0, request_options=None)
    steps = _batch_steps(chunk, settings, pacer, backoff=lambda attempt: 1.0)
    first = next(steps)
    assert isinstance(first, Pause) and 0.2 < first.seconds <= 0.3
    pacer.told_to_wait(5.0)  # the other worker's answer, while this one sleeps
    second = steps.send(None)
    assert isinstance(second, Pause) and 4.5 < second.seconds <= 5.0
    pacer.not_before = 0.0  # the wait is over
    assert isinstance(steps.send(None), Request)
    steps.close()


def test_a_batch_that_never_seals_fails_its_items_only() -> None:
    state = BatchServerState(unsealed_rows={15})
    progress: list[BulkProgress] = []
    with batch_server(state) as (url, _), sync_client(url) as client:
        outcomes = list(client.batches.trigger_many(items(30), batch_size=10, on_progress=progress.append))
    failed = [o.index for o in outcomes if not o.ok]
    assert failed == list(range(10, 20))
    assert all(isinstance(o.error, BatchNotSealedError) and o.batch_id for o in outcomes[10:20])
    assert (progress[-1].batches_done, progress[-1].batches_failed, progress[-1].items_failed) == (2, 1, 10)


def test_a_limiter_that_never_relents_fails_the_batch_not_the_call(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(trigger_dev._bulk.trigger_many, "RATE_LIMIT_WAITS", 2)
    state = BatchServerState(fail_creations=100, retry_after=0.01)
    with batch_server(state) as (url, _), sync_client(url) as client:
        outcomes = list(client.batches.trigger_many(items(5), max_in_flight=1))
    assert all(isinstance(o.error, trigger_dev.RateLimitError) for o in outcomes)
    assert len(state.creations) == 3


def test_bad_items_are_reported_and_the_rest_sent() -> None:
    mixed: list[Any] = [
        {"task": "a", "payload": 1},
        {"payload": 2},
        "not a dict",
        {"task": "a", "options": {"ttl": "soon"}},
    ]
    with batch_server() as (url, state), sync_client(url) as client:
        outcomes = list(client.batches.trigger_many([*mixed, {"task": "b", "payload": 5}]))
    assert [o.ok for o in outcomes] == [True, False, False, False, True]
    assert "needs 'task'" in str(outcomes[1].error)
    assert "must be a dict" in str(outcomes[2].error)
    assert "'ttl'" in str(outcomes[3].error)
    assert state.runs_created == 2
    (batch,) = state.batches.values()
    assert batch.task_identifiers == ["a", "b"]


def test_every_item_and_batch_key_derives_from_the_call_key() -> None:
    with batch_server() as (url, state), sync_client(url) as client:
        list(
            client.batches.trigger_many(items(3), idempotency_key=["import", "42"], idempotency_key_ttl="1d")
        )
    keys = client.idempotency_keys
    assert set(state.runs_by_key) == {keys.create(["import", "42", str(i)]) for i in range(3)}
    assert list(state.batch_keys) == [keys.create(["import", "42", "batch", "0", "2"])]


@pytest.mark.parametrize(
    ("arguments", "error", "message"),
    [
        ({"batch_size": 0}, ValueError, "batch_size must be a whole number from 1 to 1000"),
        ({"batch_size": 1_001}, ValueError, "batch_size"),
        ({"max_in_flight": 0}, ValueError, "max_in_flight must be a whole number from 1 to 64"),
        ({"resolve_timeout": 0}, ValueError, "resolve_timeout must be a positive number"),
        ({"idempotency_key": ""}, ValueError, "cannot be empty"),
        ({"idempotency_key_ttl": "1w"}, ValueError, "idempotency_key_ttl must be a whole number"),
    ],
)
def test_arguments_are_checked_at_the_call(
    arguments: dict[str, Any], error: type[Exception], message: str
) -> None:
    client = sync_client("http://127.0.0.1:9")
    with pytest.raises(error, match=message):
        client.batches.trigger_many(items(1), **arguments)
    with pytest.raises(TypeError, match="must be an iterable"):
        client.batches.trigger_many("abc")  # type: ignore[arg-type]


def test_the_wrong_credential_fails_at_the_call() -> None:
    client = sync_client("http://127.0.0.1:9", access_token=ACCESS_TOKEN)
    with pytest.raises(
        AuthMethodError, match="batches.trigger_many cannot be called with a personal access token"
    ):
        client.batches.trigger_many(items(1))


def test_the_async_client() -> None:
    state = BatchServerState(fail_creations=2, retry_after=0.1, unsealed_rows={1_300})

    async def main() -> list[ItemOutcome]:
        async with async_client(url) as client:
            return [
                o
                async for o in client.batches.trigger_many(
                    items(2_000), batch_size=400, max_in_flight=3, resolve_runs=True, idempotency_key="k"
                )
            ]

    with batch_server(state) as (url, _):
        outcomes = asyncio.run(main())
    assert [o.index for o in outcomes] == list(range(2_000))
    assert [o.index for o in outcomes if not o.ok] == list(range(1_200, 1_600))
    assert all(o.run_id for o in outcomes if o.ok)
    assert state.runs_created == 2_000

"""Enum fields and arguments: a misspelt known value is a type error; run time stays tolerant.

A field read from a response is typed with its enum's `Literal` alias (``RunStatusLiteral``),
so comparing it with a value the enum does not have is refused. An argument takes the enum's
members or those strings. What the server adds later still arrives at run time, as a plain
string: code that wants to see such values reads the field as a `str`.
"""

from __future__ import annotations

from typing import assert_type

from trigger_dev import AsyncTriggerClient, TriggerClient
from trigger_dev.models import (
    Deployment,
    DeploymentStatusLiteral,
    EnvironmentSlug,
    ListRunItem,
    MachinePreset,
    QueueType,
    RealtimeRun,
    Run,
    RunsEnvironmentSlug,
    RunStatus,
    RunStatusFilter,
    RunStatusLiteral,
    Schedule,
    ScheduleTypeLiteral,
    TriggerFunctionLiteral,
    WaitpointTokenStatus,
)
from trigger_dev.types import TriggerTaskOptions


def fields(run: Run, schedule: Schedule, deployment: Deployment) -> None:
    assert_type(run.status, RunStatusLiteral)
    assert_type(run.trigger_function, TriggerFunctionLiteral)
    assert_type(schedule.type, ScheduleTypeLiteral)
    assert_type(deployment.status, DeploymentStatusLiteral)


def comparisons(run: ListRunItem, snapshot: RealtimeRun) -> bool:
    if run.status == "COMPLETED" or run.status in ("FAILED", "CRASHED"):
        return True
    if run.status == RunStatus.TIMED_OUT or run.status is RunStatus.EXPIRED:
        return True
    match snapshot.status:
        case "QUEUED" | "DELAYED":
            return False
        case _:  # keep a default: a newer server may send a status this release does not know
            pass
    status: str = run.status  # the tolerant view: any string the server sends
    return status.startswith("PENDING")


def arguments(client: TriggerClient, wanted: str) -> None:
    client.runs.list(status=["FAILED", RunStatus.CRASHED, RunStatusFilter.INTERRUPTED])
    client.runs.list(status=[RunStatusFilter(wanted)])  # a string from elsewhere: checked when converted
    client.runs.list(env="prod", machine=[MachinePreset.SMALL_1X, "large-2x"])
    client.envvars.list("proj_1", EnvironmentSlug.STAGING)
    client.envvars.list("proj_1", RunsEnvironmentSlug.PROD)  # every runs-list slug is an env-var slug too
    client.queues.retrieve("emails", type=QueueType.CUSTOM)
    client.waitpoints.list_tokens(status=[WaitpointTokenStatus.WAITING, "COMPLETED"])
    options: TriggerTaskOptions = {
        "machine": "medium-1x",
        "debounce": {"key": "k", "delay": "5s", "mode": "trailing"},
    }
    client.tasks.trigger("send-welcome-email", {}, options=options)


def run_statuses_filter_runs(client: TriggerClient, run: Run) -> None:
    client.runs.list(status=[run.status])  # a run's status is a valid filter value


async def async_arguments(client: AsyncTriggerClient) -> None:
    async for run in client.runs.list(status=["FAILED"], env="stg"):
        assert_type(run.status, RunStatusLiteral)


def misspelt(client: TriggerClient, run: Run) -> bool:
    client.runs.list(status=["FAILD"])  # type: ignore[list-item]  # pyright: ignore[reportArgumentType]
    client.envvars.list("proj_1", "staging-eu")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    client.runs.list(env="staging")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    client.tasks.trigger("t", {}, options={"machine": "huge-1x"})  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    client.runs.list(status=[WaitpointTokenStatus.WAITING])  # type: ignore[list-item]  # pyright: ignore[reportArgumentType]
    return run.status == "COMPLETD"  # type: ignore[comparison-overlap]  # pyright: ignore[reportUnnecessaryComparison]


async def async_misspelt(client: AsyncTriggerClient, run: RealtimeRun) -> bool:
    client.runs.list(status=["CANCELLED"])  # type: ignore[list-item]  # pyright: ignore[reportArgumentType]
    return run.status == "SUCCEEDED"  # type: ignore[comparison-overlap]  # pyright: ignore[reportUnnecessaryComparison]

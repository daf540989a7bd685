"""The command line driven as a user drives it, through click's test runner, against a local
stand-in of the API (tests/support/api_server.py): what each command prints on stdout and
stderr, what it sends, and its exit status."""

from __future__ import annotations

import datetime
import inspect
import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner, Result

from tests.support.api_server import WHOAMI_KEY, ApiState, api_server, queue, schedule
from tests.support.clients import ACCESS_TOKEN, SECRET_KEY, sync_client
from trigger_dev import TriggerClient
from trigger_dev._cli.app import cli
from trigger_dev._cli.run_filters import KEYWORDS

PROFILE_KEY = "tr_prod_FAKE-key-from-the-profile"


@pytest.fixture
def api() -> Iterator[ApiState]:
    with api_server() as state:
        yield state


@pytest.fixture(autouse=True)
def _no_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No profile or config file of the machine reaches a test."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    for name in ("TRIGGER_CONFIG", "TRIGGER_PROFILE", "TRIGGER_PROJECT_REF", "NO_COLOR", "FORCE_COLOR"):
        monkeypatch.delenv(name, raising=False)


def invoke(api: ApiState | None, *args: str, key: str | None = SECRET_KEY, **env: str) -> Result:
    """Run ``trigger-dev ARGS`` with the credential in the environment, as a shell would."""
    environment: dict[str, str | None] = {"TRIGGER_API_URL": api.base_url if api else None}
    if key is not None:
        environment["TRIGGER_ACCESS_TOKEN" if key.startswith("tr_pat_") else "TRIGGER_SECRET_KEY"] = key
    environment.update(env)
    return runner().invoke(cli, list(args), env=environment, catch_exceptions=False)


def runner() -> CliRunner:
    """A runner keeping stdout and stderr apart (click 8.2 on always does; 8.1 when asked)."""
    try:
        return CliRunner(mix_stderr=False)  # type: ignore[call-arg]
    except TypeError:
        return CliRunner()


def stdout_lines(result: Result) -> list[str]:
    return result.stdout.splitlines()


def one_error_line(result: Result) -> str:
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]


def command(*path: str) -> click.Command:
    found: click.Command = cli
    for name in path:
        assert isinstance(found, click.Group)
        found = found.commands[name]
    return found


# -- runs list ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [("runs", "list"), ("runs", "bulk-cancel")])
def test_runs_list_and_bulk_cancel_offer_every_keyword_of_runs_list(path: tuple[str, ...]) -> None:
    # A filter added to the spec appears in runs.list's signature and fails this test until
    # the command line has an option for it.
    keywords = set(inspect.signature(TriggerClient(secret_key=SECRET_KEY).runs.list).parameters) - {
        "request_options"
    }
    options = {KEYWORDS.get(parameter.name or "", parameter.name) for parameter in command(*path).params}
    assert keywords - options == set(), f"runs.list keywords without an option in {' '.join(path)}"


def test_runs_list_reads_only_the_pages_it_shows(api: ApiState) -> None:
    api.add_runs(120, status="EXECUTING")
    result = invoke(api, "runs", "list", "--limit", "30", "--page-size", "10")
    assert result.exit_code == 0, result.stderr
    assert len(stdout_lines(result)) == 30
    assert [r.query.get("page[size]") for r in api.seen("/api/v1/runs")] == [["10"]] * 3
    api.requests.clear()
    result = invoke(api, "runs", "list", "--limit", "7")
    assert len(stdout_lines(result)) == 7
    assert [r.query["page[size]"] for r in api.seen("/api/v1/runs")] == [["7"]]
    api.requests.clear()
    result = invoke(api, "runs", "list", "--all", "--ndjson")
    assert [json.loads(line)["id"] for line in stdout_lines(result)] == [
        f"run_{n}" for n in range(120, 0, -1)
    ]
    assert len(api.seen("/api/v1/runs")) == 2  # 100 a page


def test_runs_list_sends_each_filter_as_the_library_does(api: ApiState) -> None:
    result = invoke(
        api, "runs", "list",
        "--status", "failed", "--status", "CRASHED", "--task", "send-email", "--task", "resize",
        "--version", "20260101.1", "--tag", "user_1", "--queue", "task/send-email", "--machine", "small-1x",
        "--region", "eu-central-1", "--bulk-action", "bulk_1", "--schedule", "sched_1", "--batch", "batch_1",
        "--no-test", "--from", "2026-01-02T03:04:05Z", "--to", "1767409445", "--period", "2h",
        "--after", "run_99", "--page-size", "5", "--limit", "5",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    (sent,) = api.seen("/api/v1/runs")
    with sync_client(api.base_url) as client:
        client.runs.list(
            status=["FAILED", "CRASHED"], task_identifier=["send-email", "resize"], version=["20260101.1"],
            tag=["user_1"], queue=["task/send-email"], machine=["small-1x"], region=["eu-central-1"],
            bulk_action="bulk_1", schedule="sched_1", batch="batch_1", is_test=False,
            from_=datetime.datetime(2026, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc),
            to=datetime.datetime(2026, 1, 3, 3, 4, 5, tzinfo=datetime.timezone.utc), period="2h",
            after="run_99", limit=5,
        )  # fmt: skip
    assert sent.query == api.seen("/api/v1/runs")[-1].query


def test_runs_list_output_forms(api: ApiState) -> None:
    api.add_runs(2, status="FAILED", tags=["urgent"])
    plain = invoke(api, "runs", "list")
    assert stdout_lines(plain) == [
        "run_2\tFAILED\tt\t2025-01-01 00:00:00Z\t1.2s\t\turgent",
        "run_1\tFAILED\tt\t2025-01-01 00:00:00Z\t1.2s\t\turgent",
    ]
    document = json.loads(invoke(api, "runs", "list", "--json").stdout)
    assert [run["id"] for run in document] == ["run_2", "run_1"]
    assert document[0]["status"] == "FAILED" and document[0]["taskIdentifier"] == "t"
    lines = [json.loads(line) for line in stdout_lines(invoke(api, "runs", "list", "--ndjson"))]
    assert [run["id"] for run in lines] == ["run_2", "run_1"]
    empty = invoke(api, "runs", "list", "--status", "QUEUED")
    assert (empty.exit_code, empty.stdout, empty.stderr) == (0, "", "No runs match.\n")
    assert json.loads(invoke(api, "runs", "list", "--status", "QUEUED", "--json").stdout) == []


@pytest.mark.parametrize(
    ("arguments", "says"),
    [
        (["--from", "yesterday"], "use ISO 8601 (2026-01-02T03:04:05Z"),
        (["--to", "2026-13-01"], "or Unix seconds (1767322800)"),
        (["--status", "broken"], "'broken' is not one of 'PENDING_VERSION'"),
        (["--machine", "huge"], "'huge' is not one of 'micro'"),
        (["--page-size", "101"], "101 is not in the range 1<=x<=100"),
        (["--all", "--limit", "5"], "--all and --limit cannot be used together"),
        (["--json", "--ndjson"], "--json and --ndjson cannot be used together"),
    ],
)
def test_runs_list_refuses_a_wrong_value_before_sending(
    api: ApiState, arguments: list[str], says: str
) -> None:
    result = invoke(api, "runs", "list", *arguments)
    assert result.exit_code == 2
    assert says in result.stderr
    assert "Traceback" not in result.stderr
    assert api.requests == []


def test_a_time_without_an_offset_is_local_time(api: ApiState) -> None:
    invoke(api, "runs", "list", "--from", "2026-01-02T03:04:05", "--limit", "1", TZ="UTC")
    sent = api.seen("/api/v1/runs")[0].query["filter[createdAt][from]"]
    local = datetime.datetime(2026, 1, 2, 3, 4, 5).astimezone()
    assert sent == [str(int(local.timestamp() * 1000))]


def test_with_an_access_token_runs_list_uses_the_project_route(api: ApiState) -> None:
    result = invoke(api, "runs", "list", key=ACCESS_TOKEN)
    assert result.exit_code == 2
    assert one_error_line(result).startswith("trigger-dev: runs.list with a personal access token needs")
    result = invoke(api, "runs", "list", "--env", "prod", key=ACCESS_TOKEN, TRIGGER_PROJECT_REF="proj_cli")
    # The stand-in has no project route: the request went there, and its 404 is an API error.
    assert result.exit_code == 1
    assert [r.path for r in api.requests] == ["/api/v1/projects/proj_cli/runs"]
    assert one_error_line(result).startswith("trigger-dev: runs.list: 404 Not Found")


# -- runs get, cancel, replay ----------------------------------------------------------------


def test_runs_get(api: ApiState) -> None:
    api.add_runs(1, status="FAILED", version="20260101.1")
    result = invoke(api, "runs", "get", "run_1")
    assert result.exit_code == 0
    fields = dict(line.split("\t", 1) for line in stdout_lines(result))
    assert fields["id"] == "run_1" and fields["status"] == "FAILED" and fields["version"] == "20260101.1"
    assert json.loads(invoke(api, "runs", "get", "run_1", "--json").stdout)["id"] == "run_1"


def test_an_api_error_is_one_line_on_stderr_and_exit_status_1(api: ApiState) -> None:
    result = invoke(api, "runs", "get", "run_missing")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert one_error_line(result) == "trigger-dev: runs.retrieve: 404 Not Found: Run not found"


def test_runs_cancel_goes_on_past_a_failure_and_exits_1(api: ApiState) -> None:
    api.add_runs(1, status="COMPLETED")
    api.add_runs(1, status="EXECUTING")
    result = invoke(api, "runs", "cancel", "run_2", "run_1")
    assert result.exit_code == 1
    assert stdout_lines(result) == ["Cancelled run_2"]
    assert one_error_line(result) == "trigger-dev: runs.cancel: 400 Bad Request: Run is already finished"
    api.runs[0]["status"] = "QUEUED"
    document = json.loads(invoke(api, "runs", "cancel", "run_2", "--json").stdout)
    assert document == {"cancelled": ["run_2"], "failed": []}


def test_runs_replay_prints_the_new_run(api: ApiState) -> None:
    api.add_runs(1)
    result = invoke(api, "runs", "replay", "run_1")
    assert (result.exit_code, result.stdout) == (0, "run_2\n")
    assert json.loads(invoke(api, "runs", "replay", "run_1", "--json").stdout) == {
        "id": "run_3",
        "replayed": "run_1",
    }


# -- runs bulk-cancel ------------------------------------------------------------------------


def test_bulk_cancel_needs_a_filter_and_a_yes_off_a_terminal(api: ApiState) -> None:
    api.add_runs(3, status="QUEUED")
    for where in ([], ["--page-size", "5", "--after", "run_9"]):  # where to look is not which runs
        result = invoke(api, "runs", "bulk-cancel", "--yes", *where)
        assert result.exit_code == 2
        assert "bulk-cancel needs at least one filter" in result.stderr
    assert api.requests == []
    result = invoke(api, "runs", "bulk-cancel", "--task", "t")
    assert result.exit_code == 2
    assert (
        one_error_line(result)
        == "trigger-dev: 3 runs match; pass --yes to cancel them without a confirmation"
    )
    assert api.seen("/api/v2/runs/run_1/cancel", "POST") == []


def test_bulk_cancel_cancels_the_unfinished_runs_the_filters_select(api: ApiState) -> None:
    api.add_runs(2, status="COMPLETED")
    api.add_runs(3, status="QUEUED")
    api.add_runs(1, status="EXECUTING", taskIdentifier="other")
    result = invoke(api, "runs", "bulk-cancel", "--task", "t", "--yes")
    assert result.exit_code == 0, result.stderr
    assert stdout_lines(result) == ["Cancelled 3 of 3 runs."]
    cancelled = [r.path for r in api.requests if r.method == "POST"]
    assert cancelled == [f"/api/v2/runs/run_{n}/cancel" for n in (5, 4, 3)]
    (listing,) = api.seen("/api/v1/runs")
    assert "COMPLETED" not in listing.query["filter[status]"][0]
    assert "EXECUTING" in listing.query["filter[status]"][0]


def test_bulk_cancel_reports_each_failure_and_exits_1(api: ApiState) -> None:
    api.add_runs(4, status="QUEUED")
    api.refuse_cancel = {"run_2"}
    result = invoke(api, "runs", "bulk-cancel", "--status", "QUEUED", "--yes", "--json")
    assert result.exit_code == 1
    summary = json.loads(result.stdout)
    assert summary["matched"] == 4 and summary["cancelled"] == ["run_4", "run_3", "run_1"]
    assert [failure["id"] for failure in summary["failed"]] == ["run_2"]
    assert one_error_line(result).startswith("trigger-dev: runs.cancel: 422 Unprocessable")


def test_bulk_cancel_with_a_limit_and_nothing_matching(api: ApiState) -> None:
    api.add_runs(5, status="QUEUED")
    result = invoke(api, "runs", "bulk-cancel", "--status", "QUEUED", "--limit", "2", "--yes")
    assert stdout_lines(result) == ["Cancelled 2 of 2 runs."]
    result = invoke(api, "runs", "bulk-cancel", "--status", "DELAYED", "--yes")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "No runs match.\n")


# -- schedules, queues -----------------------------------------------------------------------


def test_schedules_list(api: ApiState) -> None:
    api.schedules = [schedule(n) for n in range(1, 26)]
    result = invoke(api, "schedules", "list")
    assert len(stdout_lines(result)) == 25
    assert stdout_lines(result)[0] == "sched_1\tdaily-report\t0 9 * * *\tUTC\tyes\t2026-01-02 09:00:00Z\t"
    api.requests.clear()
    document = json.loads(invoke(api, "schedules", "list", "--limit", "3", "--json").stdout)
    assert [s["id"] for s in document] == ["sched_1", "sched_2", "sched_3"]
    assert [r.query["perPage"] for r in api.seen("/api/v1/schedules")] == [["3"]]


def test_queues_list_pause_and_resume(api: ApiState) -> None:
    api.queues = [queue("send-email"), queue("resize", paused=True, type="custom")]
    assert stdout_lines(invoke(api, "queues", "list")) == [
        "send-email\ttask\t1\t4\t5\tno\tqueue_send-email",
        "resize\tcustom\t1\t4\t5\tyes\tqueue_resize",
    ]
    result = invoke(api, "queues", "pause", "send-email")
    assert result.exit_code == 2
    assert "pass --type task for a task's queue" in result.stderr
    assert api.seen("/api/v1/queues/send-email/pause", "POST") == []
    result = invoke(api, "queues", "pause", "send-email", "--type", "task")
    assert stdout_lines(result) == ["Paused queue send-email (queue_send-email): 1 running, 4 queued"]
    assert api.seen("/api/v1/queues/send-email/pause", "POST")[0].body == {"type": "task", "action": "pause"}
    resumed = json.loads(invoke(api, "queues", "resume", "queue_resize", "--json").stdout)
    assert resumed["paused"] is False
    assert api.seen("/api/v1/queues/queue_resize/pause", "POST")[0].body == {"type": "id", "action": "resume"}


# -- envvars ---------------------------------------------------------------------------------


def _variables(api: ApiState) -> None:
    def var(name: str, value: str, secret: bool = False) -> dict[str, Any]:
        return {"name": name, "value": "<redacted>" if secret else value, "isSecret": secret}

    api.envvars = {
        "prod": [
            var("SAME", "1"),
            var("CHANGED", "prod-value"),
            var("ONLY_PROD", "p-only"),
            var("TOKEN", "", True),
        ],
        "stg": [
            var("SAME", "1"),
            var("CHANGED", "stg-value"),
            var("ONLY_STG", "s-only"),
            var("TOKEN", "", True),
        ],
    }


def test_envvars_diff_names_what_differs_and_hides_values(api: ApiState) -> None:
    _variables(api)
    result = invoke(api, "envvars", "diff", "prod", "stg", "--project-ref", "proj_cli")
    assert result.exit_code == 0, result.stderr
    assert stdout_lines(result) == [
        "CHANGED\tdifferent", "ONLY_PROD\tonly in prod", "ONLY_STG\tonly in stg", "TOKEN\tsecret",
    ]  # fmt: skip
    for value in ("prod-value", "stg-value", "p-only", "s-only"):
        assert value not in result.stdout + result.stderr
    assert not api.seen("/api/v1/whoami")  # --project-ref given: no need to ask
    shown = json.loads(
        invoke(api, "envvars", "diff", "prod", "stg", "--project-ref", "p", "--show-values", "--json").stdout
    )
    assert {"name": "CHANGED", "state": "different", "prod": "prod-value", "stg": "stg-value"} in shown
    assert {"name": "SAME", "state": "same", "prod": "1", "stg": "1"} in shown
    assert {"name": "TOKEN", "state": "secret", "prod": "<secret>", "stg": "<secret>"} in shown


def test_envvars_find_the_secret_keys_project(api: ApiState) -> None:
    _variables(api)
    result = invoke(api, "envvars", "diff", "prod", "stg")
    assert result.exit_code == 0
    assert [r.path for r in api.requests] == [
        "/api/v1/whoami", "/api/v1/projects/proj_cli/envvars/prod", "/api/v1/projects/proj_cli/envvars/stg",
    ]  # fmt: skip
    result = invoke(api, "envvars", "diff", "prod", "stg", key=ACCESS_TOKEN)
    assert result.exit_code == 2
    assert one_error_line(result).startswith("trigger-dev: this command needs a project: pass --project-ref")


def test_envvars_copy_is_a_dry_run_until_apply(api: ApiState) -> None:
    _variables(api)
    dry = invoke(api, "envvars", "copy", "--from", "prod", "--to", "stg")
    assert dry.exit_code == 0
    assert stdout_lines(dry) == [
        "CHANGED\tchanged",
        "ONLY_PROD\tnew",
        "SAME\tsame",
        "TOKEN\tskipped (secret)",
    ]
    assert dry.stderr == "Dry run: 2 variables would be written to stg; pass --apply to write them.\n"
    assert "prod-value" not in dry.stdout
    assert not [r for r in api.requests if r.method == "POST"]
    applied = invoke(api, "envvars", "copy", "--from", "prod", "--to", "stg", "--apply")
    assert applied.stderr == "Wrote 2 variables to stg of proj_cli.\n"
    (upload,) = [r for r in api.requests if r.method == "POST"]
    assert upload.path == "/api/v1/projects/proj_cli/envvars/stg/import"
    assert upload.body["variables"] == {"CHANGED": "prod-value", "ONLY_PROD": "p-only"}
    assert upload.body["override"] is True
    again = invoke(api, "envvars", "copy", "--from", "prod", "--to", "stg", "--apply")
    assert again.stderr == "Nothing to copy from prod to stg.\n"


def test_envvars_copy_keep_existing_and_names(api: ApiState) -> None:
    _variables(api)
    result = invoke(api, "envvars", "copy", "--from", "prod", "--to", "stg", "--keep-existing", "--apply")
    assert "CHANGED\tkept" in stdout_lines(result)
    upload = next(r for r in api.requests if r.method == "POST")
    assert upload.body["variables"] == {"ONLY_PROD": "p-only"}
    assert not upload.body.get("override")
    result = invoke(api, "envvars", "copy", "--from", "prod", "--to", "stg", "--name", "NOPE")
    assert result.exit_code == 2 and "prod has no variable NOPE" in result.stderr
    result = invoke(api, "envvars", "copy", "--from", "prod", "--to", "prod")
    assert result.exit_code == 2 and "--from and --to name the same environment" in result.stderr


# -- auth whoami, credentials and profiles ---------------------------------------------------


def test_whoami_shows_the_kind_of_credential_and_never_a_key(api: ApiState) -> None:
    for arguments in ([], ["--json"]):
        result = invoke(api, "auth", "whoami", *arguments)
        assert result.exit_code == 0
        everything = result.stdout + result.stderr
        assert SECRET_KEY not in everything and WHOAMI_KEY not in everything and "tr_dev_" not in everything
    assert "credential\tsecret key" in stdout_lines(invoke(api, "auth", "whoami"))
    document = json.loads(invoke(api, "auth", "whoami", "--json").stdout)
    assert document["credential"] == "secret key" and document["project"]["externalRef"] == "proj_cli"
    assert "apiKey" not in document
    token = invoke(api, "auth", "whoami", "--project-ref", "proj_cli", key=ACCESS_TOKEN)
    lines = stdout_lines(token)
    assert "credential\tpersonal access token" in lines and "user\tada@example.com" in lines
    assert api.seen("/api/v2/whoami")[-1].query == {"projectRef": ["proj_cli"]}


def test_no_credential_is_a_usage_error() -> None:
    result = invoke(None, "runs", "list", key=None)
    assert result.exit_code == 2
    assert one_error_line(result).startswith("trigger-dev: no credential: set TRIGGER_SECRET_KEY")


def _config(tmp_path: Path, text: str, mode: int = 0o600) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text)
    path.chmod(mode)
    return path


def test_a_profile_gives_the_server_key_and_project(api: ApiState, tmp_path: Path) -> None:
    path = _config(
        tmp_path,
        f'[profiles.prod]\napi_url = "{api.base_url}"\nsecret_key = "{PROFILE_KEY}"\nproject_ref = "proj_prof"\n',
    )
    _variables(api)
    result = invoke(
        None, "envvars", "diff", "prod", "stg", "--profile", "prod", key=SECRET_KEY, TRIGGER_CONFIG=str(path)
    )
    assert result.exit_code == 0, result.stderr
    assert api.requests[0].path == "/api/v1/projects/proj_prof/envvars/prod"
    assert {r.authorization for r in api.requests} == {f"Bearer {PROFILE_KEY}"}  # the profile wins
    whoami = invoke(None, "--profile", "prod", "auth", "whoami", "--json", key=None, TRIGGER_CONFIG=str(path))
    assert json.loads(whoami.stdout)["profile"] == "prod"
    assert PROFILE_KEY not in whoami.stdout + whoami.stderr
    chosen = invoke(None, "auth", "whoami", key=None, TRIGGER_CONFIG=str(path), TRIGGER_PROFILE="prod")
    assert "profile\tprod" in stdout_lines(chosen)


def test_the_config_file_is_found_in_the_xdg_directory(api: ApiState, tmp_path: Path) -> None:
    folder = tmp_path / "xdg" / "trigger-dev"
    folder.mkdir(parents=True)
    _config(folder, f'[profiles.p]\napi_url = "{api.base_url}"\n')
    result = invoke(None, "--profile", "p", "auth", "whoami", key=SECRET_KEY)  # the key from the environment
    assert result.exit_code == 0, result.stderr
    assert api.seen("/api/v1/whoami")[0].authorization == f"Bearer {SECRET_KEY}"


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ('[profiles.other]\nsecret_key = "tr_dev_x"\n', "no profile 'prod' in"),
        ('[profiles.prod]\nsecret = "tr_dev_x"\n', "unknown keys ['secret']; the keys are api_url, secret_key"),
        ('[profiles.prod]\nsecret_key = "tr_dev_x"\naccess_token = "tr_pat_y"\n', "sets both secret_key and access_token"),
        ('[profiles.prod]\napi_url = 3\n', "api_url must be a non-empty string"),
        ("[profiles.prod\n", "is not valid TOML"),
    ],
)  # fmt: skip
def test_a_wrong_profile_is_a_usage_error(tmp_path: Path, text: str, says: str) -> None:
    path = _config(tmp_path, text)
    result = invoke(None, "runs", "list", "--profile", "prod", key=None, TRIGGER_CONFIG=str(path))
    assert result.exit_code == 2
    line = one_error_line(result)
    assert says in line
    assert "tr_dev_x" not in line and "tr_pat_y" not in line


def test_a_missing_config_file_is_a_usage_error(tmp_path: Path) -> None:
    result = invoke(
        None, "runs", "list", "--profile", "prod", key=None, TRIGGER_CONFIG=str(tmp_path / "none.toml")
    )
    assert result.exit_code == 2
    assert "--profile needs the config file" in one_error_line(result)


@pytest.mark.skipif(os.name != "posix", reason="file modes")
def test_a_key_in_a_file_others_can_read_is_warned_about(api: ApiState, tmp_path: Path) -> None:
    path = _config(
        tmp_path, f'[profiles.p]\napi_url = "{api.base_url}"\nsecret_key = "{PROFILE_KEY}"\n', 0o644
    )
    result = invoke(None, "--profile", "p", "auth", "whoami", key=None, TRIGGER_CONFIG=str(path))
    assert result.exit_code == 0
    assert (
        result.stderr
        == f"trigger-dev: warning: {path} holds a key and others can read it (chmod 600 {path})\n"
    )
    path.chmod(stat.S_IRUSR | stat.S_IWUSR)
    assert invoke(None, "--profile", "p", "auth", "whoami", key=None, TRIGGER_CONFIG=str(path)).stderr == ""


def test_help_and_version() -> None:
    result = invoke(None, "--help", key=None)
    assert result.exit_code == 0
    for group in ("runs", "schedules", "queues", "envvars", "auth"):
        assert f"  {group} " in result.stdout
    assert "Exit status: 0 done, 1 API error, 2 usage error" in " ".join(result.stdout.split())
    assert invoke(None, "runs", "-h", key=None).exit_code == 0
    assert invoke(None, "runs", "nope", key=None).exit_code == 2


# -- runs watch off a terminal ---------------------------------------------------------------


def test_runs_watch_off_a_terminal(tmp_path: Path) -> None:
    from tests.support.realtime_server import realtime_server, run_row

    with realtime_server() as server:
        server.insert(run_row(1, status="COMPLETED_WITH_ERRORS", error={"name": "Error", "message": "boom"}))
        lines = stdout_lines(invoke(None, "runs", "watch", "run_1", TRIGGER_API_URL=server.base_url))
        assert len(lines) == 1
        assert lines[0].split("\t")[1:4] == ["run_1", "FAILED", "send-email"]
        document = json.loads(
            invoke(None, "runs", "watch", "run_1", "--json", TRIGGER_API_URL=server.base_url).stdout
        )
        assert (document["id"], document["status"]) == ("run_1", "FAILED")
        ndjson = invoke(
            None, "runs", "watch", "run_1", "--ndjson", "--exit-status", TRIGGER_API_URL=server.base_url
        )
        assert ndjson.exit_code == 3
        assert [json.loads(line)["status"] for line in stdout_lines(ndjson)] == ["FAILED"]
        missing = invoke(None, "runs", "watch", "run_2", TRIGGER_API_URL=server.base_url)
        assert missing.exit_code == 1
        assert "404" in one_error_line(missing)


def test_settings_never_show_the_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from trigger_dev._cli.profiles import load

    path = _config(tmp_path, f'[profiles.p]\nsecret_key = "{PROFILE_KEY}"\n')
    monkeypatch.setenv("TRIGGER_CONFIG", str(path))
    settings = load("p")
    assert settings.secret_key == PROFILE_KEY
    assert PROFILE_KEY not in repr(settings) and PROFILE_KEY not in str(settings)

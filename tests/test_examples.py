"""Every example in examples/ runs as documented (against a cassette of the mock, or the mock)."""

from __future__ import annotations

import datetime
import json
import runpy
import shlex
import subprocess
from pathlib import Path
from typing import Any

import jwt
import pytest

import trigger_dev
from tests.support.batch_server import BatchServerState, batch_server
from tests.support.realtime_server import DEMO_SECRET_KEY, RealtimeServer, realtime_server, summarize_article
from tests.support.tracing import memory_exporter

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

EXPECTED = {
    "quickstart.py": ["run run_1234abcd", "batch batch_1234abcd with 2 runs", "NotFoundError: status 404"],
    "retries.py": ["gave up after 3 attempts", "no retry: InternalServerError 500"],
    "pagination.py": ["first page: ['run_1234abcd']", "schedules page 1 of", "no page before the first"],
    "raw_responses.py": ["HTTP 200; public access token header present: True", "parsed: run run_1234abcd"],
    "errors.py": [
        "NotFoundError: status 404",
        "refused before sending",
        "AuthMethodError: runs.retrieve",
        "typo caught",
    ],
    "logging_setup.py": ["trigger_dev DEBUG GET /api/v3/runs/run_1234abcd -> 200"],
    "django_waitpoint.py": [
        "approval requested: token waitpoint_1234abcd, run run_1234abcd",
        "approved: HTTP 200 {'completed': 'waitpoint_1234abcd'}",
    ],
    "pause_queue.py": ["paused send-welcome-email (queue_1234abcd): 10 queued, 2 running, limit 5"],
    "prompt_release.py": [
        "support-reply v3 resolves to: 'Hello Ada, thanks for writing.'",
        "promoted support-reply v3",
    ],
    "release.py": [
        "latest deployment: 20250101.1 (ab12cd34) DEPLOYED",
        "check passed: 20250101.1 is ready",
        "promoted: 20250101.1 (ab12cd34) is current",
    ],
    "on_call.py": [
        "1 new error group(s) since 2025-01-01T00:00:00+00:00",
        "send-welcome-email: TypeError: Cannot read properties of undefined (reading 'email') (12x, id error_1234abcd)",
        "paused send-welcome-email: 10 queued, 2 running",
    ],
    "async_usage.py": [
        "triggered run_1234abcd and batch batch_1234abcd concurrently",
        "retrieved run_1234abcd: COMPLETED",
        "raw: HTTP 200",
    ],
}


README = Path(__file__).resolve().parent.parent / "README.md"
MOCK_RUNNER = ".venv/bin/python tests/support/mock_server.py -- .venv/bin/python examples/"


def documented_commands() -> dict[str, str]:
    """The README's table of how each example is run: name -> its command cell."""
    text = README.read_text(encoding="utf-8")
    table = text.split("<!-- examples:start -->", 1)[1].split("<!-- examples:end -->", 1)[0]
    rows = [line.split(" | ", 1) for line in table.splitlines() if line.startswith("| `")]
    return {name.strip("| `"): command.rstrip(" |").strip() for name, command in rows}


def mock_argv() -> dict[str, list[str]]:
    """The arguments of each example the README runs with the mock's runner."""
    found = {}
    for name, command in documented_commands().items():
        if command.startswith(f"`{MOCK_RUNNER}{name}"):
            found[name] = shlex.split(command.strip("`"))[5:]
    return found


# Command-line arguments of the examples, exactly as the README runs them.
ARGV = mock_argv()

# Run against the local realtime server rather than cassettes (a mock cannot follow a run).
REALTIME = {"watching_runs.py", "fastapi_public_tokens.py", "fastapi_tracing.py"}


# Run against local stand-ins of the batch API and the runs list (bulk work).
BULK = {"bulk_backfill.py", "export_month.py"}

# Run against the local stand-in of the session routes (a mock cannot play an agent).
SESSIONS = {"fastapi_agent_chat.py"}


# Run as scripts of their own, with no server (a demonstration in-process).
STANDALONE = {"fastapi_alert_webhooks.py"}


def test_every_example_is_checked() -> None:
    assert sorted(p.name for p in EXAMPLES.glob("*.py")) == sorted(
        {*EXPECTED, *REALTIME, *BULK, *SESSIONS, *STANDALONE}
    )


def test_the_readme_says_how_each_example_runs() -> None:
    commands = documented_commands()
    assert sorted(commands) == sorted(p.name for p in EXAMPLES.glob("*.py"))
    # Everything the mock can serve runs with the mock's runner; the realtime ones cannot.
    assert sorted(ARGV) == sorted({*EXPECTED, *BULK})
    for name in REALTIME:
        assert "realtime" in commands[name] or "watching_runs.py" in commands[name], commands[name]
    assert ARGV["pause_queue.py"] == ["send-welcome-email"]


def test_export_month_without_arguments_exports_last_month(capsys: pytest.CaptureFixture[str]) -> None:
    module = runpy.run_path(str(EXAMPLES / "export_month.py"), run_name="export_month")
    arguments = module["parse_arguments"]([])
    assert arguments.month == module["last_month"]() and arguments.path == f"runs-{arguments.month}.csv"
    assert module["last_month"](datetime.date(2026, 1, 15)) == "2025-12"
    with pytest.raises(SystemExit):
        module["parse_arguments"](["2026-13"])
    assert "is not a month written as YYYY-MM" in capsys.readouterr().err


@pytest.mark.vcr
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_example(
    name: str, api_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TRIGGER_API_URL", api_url)
    monkeypatch.setenv("TRIGGER_SECRET_KEY", "tr_dev_exampleKey")
    monkeypatch.setattr(trigger_dev._client, "_default", None)
    monkeypatch.setattr("sys.argv", [name, *ARGV.get(name, [])])
    try:
        runpy.run_path(str(EXAMPLES / name), run_name="__main__")
    except SystemExit as exit:
        assert exit.code == 0, capsys.readouterr()
    output = capsys.readouterr().out
    for fragment in EXPECTED[name]:
        assert fragment in output, f"{name} did not print {fragment!r}:\n{output}"


@pytest.fixture
def realtime(monkeypatch: pytest.MonkeyPatch) -> Any:
    with realtime_server() as server:
        server.on_trigger = summarize_article
        monkeypatch.setenv("TRIGGER_API_URL", server.base_url)
        monkeypatch.setenv("TRIGGER_SECRET_KEY", DEMO_SECRET_KEY)
        monkeypatch.setattr(trigger_dev._client, "_default", None)
        yield server


def test_watching_runs_as_the_readme_runs_it() -> None:
    command = shlex.split(documented_commands()["watching_runs.py"].split("`")[1])
    assert command[1] == "tests/support/realtime_server.py", command
    result = subprocess.run(
        command, cwd=EXAMPLES.parent, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    output = result.stdout
    for fragment in [
        "triggered run_101; a browser could follow it with its token: True",
        "COMPLETED 100%",
        "streamed: A short summary.",
        "output: {'summary': 'A short summary.'}",
    ]:
        assert fragment in output, f"watching_runs.py did not print {fragment!r}:\n{output}"


def test_fastapi_tracing_as_the_readme_runs_it() -> None:
    command = shlex.split(documented_commands()["fastapi_tracing.py"].split("`")[1])
    assert command[1] == "tests/support/realtime_server.py", command
    result = subprocess.run(
        command, cwd=EXAMPLES.parent, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    trace_id = "4bf92f3577b34da6a3ce929d0e0e4736"
    for fragment in [
        "status 200: {'runId': 'run_101'}",
        f"server span 'POST /orders' in trace {trace_id}",
        f"client span 'POST /api/v1/tasks/{{taskId}}/trigger' in trace {trace_id} "
        "{'trigger_dev.task.id': 'process-order', 'trigger_dev.run.id': 'run_101'}",
    ]:
        assert fragment in result.stdout, f"fastapi_tracing.py did not print {fragment!r}:\n{result.stdout}"


def test_fastapi_tracing_sends_the_request_trace_to_the_trigger(realtime: RealtimeServer) -> None:
    from fastapi.testclient import TestClient

    module = runpy.run_path(str(EXAMPLES / "fastapi_tracing.py"), run_name="fastapi_tracing")
    upstream = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
    memory_exporter()  # the process's tracer provider, shared with the other tests that read spans
    with TestClient(module["app"]) as browser:
        assert browser.post("/orders", json={"n": 1}, headers={"traceparent": upstream}).json() == {
            "runId": "run_101"
        }
    (trigger,) = [r for r in realtime.requests if r.path.endswith("/trigger")]
    sent = {name.lower(): value for name, value in trigger.headers.items()}["traceparent"]
    version, trace_id, span_id, flags = sent.split("-")
    # The same trace, under a span of its own (the client's), sampled as the caller asked.
    assert (version, trace_id, flags) == ("00", "4bf92f3577b34da6a3ce929d0e0e4736", "01")
    assert span_id != "00f067aa0ba902b7"


def test_fastapi_agent_chat_as_the_readme_runs_it() -> None:
    command = shlex.split(documented_commands()["fastapi_agent_chat.py"].split("`")[1])
    assert command[1] == "tests/support/session_server.py", command
    result = subprocess.run(
        command, cwd=EXAMPLES.parent, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    for fragment in [
        "content type: text/event-stream",
        "chunk types: start text-start text-delta",
        "text: You said: Where is my order?",
        "last event: [DONE]",
    ]:
        assert fragment in result.stdout, (
            f"fastapi_agent_chat.py did not print {fragment!r}:\n{result.stdout}"
        )


def test_fastapi_public_tokens(realtime: RealtimeServer) -> None:
    from fastapi.testclient import TestClient

    module = runpy.run_path(str(EXAMPLES / "fastapi_public_tokens.py"), run_name="fastapi_public_tokens")
    with TestClient(module["app"]) as browser:
        started = browser.post("/summaries", json={"url": "https://example.com/post"}).json()
        assert started == {"runId": "run_101", "publicAccessToken": "token-for-run_101"}

        token = browser.get("/runs/run_101/token").json()["publicAccessToken"]
        claims = jwt.decode(
            token,
            "tr_dev_example-key-long-enough-for-hs256",
            algorithms=["HS256"],
            audience="https://api.trigger.dev",
            issuer="https://id.trigger.dev",
        )
        assert claims["sub"] == "env_1234" and claims["pub"] is True
        assert claims["scopes"] == ["read:runs:run_101"] and claims["exp"] - claims["iat"] == 900

        events = browser.get("/runs/run_101/events").text.split("\n\n")
        snapshots = [json.loads(e.removeprefix("data: ")) for e in events if e]
        assert snapshots[-1] == {
            "status": "COMPLETED",
            "metadata": {"progress": 1.0},
            "output": {"summary": "A short summary."},
        }


def run_example(name: str, argv: list[str], monkeypatch: pytest.MonkeyPatch, url: str) -> int:
    monkeypatch.setenv("TRIGGER_API_URL", url)
    monkeypatch.setenv("TRIGGER_SECRET_KEY", "tr_dev_exampleKey")
    monkeypatch.setattr(trigger_dev._client, "_default", None)
    monkeypatch.setattr("sys.argv", [name, *argv])
    try:
        runpy.run_path(str(EXAMPLES / name), run_name="__main__")
    except SystemExit as exit:
        return int(exit.code or 0)
    return 0


def test_bulk_backfill(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    state = BatchServerState(fail_creations=1, retry_after=0.05)  # the limiter says wait once
    with batch_server(state) as (url, _):
        assert run_example("bulk_backfill.py", ["2500"], monkeypatch, url) == 0
        assert "backfilled 2,500 rows; 0 failed" in capsys.readouterr().out
        assert state.runs_created == 2_500
        # Run again, as after a crash: nothing is triggered twice.
        assert run_example("bulk_backfill.py", ["3000"], monkeypatch, url) == 0
        assert "backfilled 3,000 rows; 0 failed" in capsys.readouterr().out
    assert state.runs_created == 3_000


def test_export_month(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path, httpserver: Any
) -> None:
    from tools.bench.bench import list_items

    items = list_items()
    october = {
        "filter[createdAt][from]": "1790812800000",
        "filter[createdAt][to]": "1793491199999",
        "page[size]": "100",
    }
    httpserver.expect_ordered_request("/api/v1/runs", query_string=october).respond_with_json(
        {"data": items, "pagination": {"next": "c1"}}
    )
    httpserver.expect_ordered_request(
        "/api/v1/runs", query_string={**october, "page[after]": "c1"}
    ).respond_with_json({"data": items[:20], "pagination": {"previous": "c0"}})
    month, file_name = ARGV["export_month.py"]  # as the README runs it, written under tmp_path
    target = tmp_path / file_name
    assert run_example("export_month.py", [month, str(target)], monkeypatch, httpserver.url_for("")) == 0
    assert "wrote 120 runs of 2026-10" in capsys.readouterr().out
    lines = target.read_text().splitlines()
    assert lines[0] == "id,task,status,created_at,finished_at,duration_ms,cost_in_cents,tags"
    assert len(lines) == 121 and lines[1].startswith(f"{items[0]['id']},{items[0]['taskIdentifier']},")


def test_fastapi_alert_webhooks_as_the_readme_runs_it() -> None:
    command = shlex.split(documented_commands()["fastapi_alert_webhooks.py"].split("`")[1])
    assert command == [".venv/bin/python", "examples/fastapi_alert_webhooks.py"], command
    result = subprocess.run(
        command, cwd=EXAMPLES.parent, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    for fragment in [
        "alert.run.failed: 200 run run_1 of send-email failed: SMTP refused",
        "alert.deployment.success: 200 deployed 20250101.2 with 1 task(s)",
        "alert.dashboard_agent_watch: 200 ignored an alert of type 'alert.dashboard_agent_watch'",
        "the same alert again: 200 repeat=True",
        "a changed body: 400 the x-trigger-signature-hmacsha256 signature",
    ]:
        assert fragment in result.stdout, (
            f"fastapi_alert_webhooks.py did not print {fragment!r}:\n{result.stdout}"
        )


def _latest(version: str, status: str) -> dict[str, Any]:
    return {
        "id": "deployment_1",
        "status": status,
        "contentHash": "h",
        "shortCode": "ab12cd34",
        "version": version,
        "imageReference": None,
        "errorData": None,
    }


def test_release_refuses_to_promote_what_is_not_ready(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], httpserver: Any
) -> None:
    httpserver.expect_request("/api/v1/deployments/latest").respond_with_json(_latest("20250101.2", "FAILED"))
    assert run_example("release.py", ["20250101.2"], monkeypatch, httpserver.url_for("")) == 1
    assert "20250101.2 is FAILED, not DEPLOYED" in capsys.readouterr().err
    assert run_example("release.py", ["20250101.3"], monkeypatch, httpserver.url_for("")) == 1
    assert "the latest deployment is 20250101.2, not 20250101.3" in capsys.readouterr().err
    assert all(request.path == "/api/v1/deployments/latest" for request, _ in httpserver.log)


def test_release_rolls_back_with_the_servers_consent(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], httpserver: Any
) -> None:
    httpserver.expect_request("/api/v1/deployments/20241231.2/promote", method="POST").respond_with_json(
        {"id": "deployment_0", "version": "20241231.2", "shortCode": "zz99"}
    )
    assert run_example("release.py", ["20241231.2", "--rollback"], monkeypatch, httpserver.url_for("")) == 0
    assert "rolled back: 20241231.2 (zz99) is current" in capsys.readouterr().out
    ((request, _),) = httpserver.log
    assert request.args["allowRollbacks"] == "true"


def test_on_call_refuses_a_time_without_an_offset(capsys: pytest.CaptureFixture[str]) -> None:
    module = runpy.run_path(str(EXAMPLES / "on_call.py"), run_name="on_call")
    with pytest.raises(SystemExit):
        module["main"](["--since", "2025-01-01T00:00:00"])
    assert "has no offset: add Z for UTC" in capsys.readouterr().err

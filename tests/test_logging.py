"""The `trigger_dev` logger: off unless asked, and never holding a key."""

from __future__ import annotations

import logging
import os
import subprocess
import sys

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response

import trigger_dev
from tests.support.clients import SECRET_KEY, sync_client

PROBE = (
    "import logging, trigger_dev; log = logging.getLogger('trigger_dev'); print(log.level, len(log.handlers))"
)


@pytest.mark.parametrize(
    ("value", "level"), [("debug", logging.DEBUG), ("INFO", logging.INFO), ("", 0), ("loud", 0)]
)
def test_trigger_log_sets_the_level_at_import(value: str, level: int) -> None:
    env = {**os.environ, "TRIGGER_LOG": value}
    output = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True
    )
    assert output.stdout.split() == [str(level), "1" if level else "0"]


@pytest.mark.parametrize(("value", "warned"), [("loud", True), ("DEBUG", False), ("", False), ("  ", False)])
def test_an_unknown_trigger_log_value_warns_once_naming_the_valid_ones(value: str, warned: bool) -> None:
    env = {**os.environ, "TRIGGER_LOG": value}
    env.pop("PYTHONWARNINGS", None)
    probe = f"import trigger_dev; trigger_dev.TriggerClient(secret_key={SECRET_KEY!r}); import trigger_dev._logging"
    output = subprocess.run(
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
    )
    if warned:
        assert output.stderr.count("RuntimeWarning") == 1
        assert "TRIGGER_LOG='loud'" in output.stderr and "debug, info" in output.stderr
    else:
        assert "TRIGGER_LOG" not in output.stderr


def test_no_key_in_any_log_record_at_any_level(
    httpserver: HTTPServer, caplog: pytest.LogCaptureFixture
) -> None:
    httpserver.expect_request("/api/v1/tasks/t/trigger").respond_with_response(
        Response('{"error": "Invalid API Key"}', status=500, content_type="application/json")
    )
    client = sync_client(httpserver.url_for(""), retry={"max_attempts": 2, "min_delay": 0.001})
    with caplog.at_level(logging.DEBUG), pytest.raises(trigger_dev.InternalServerError):
        client.tasks.trigger("t", {"secret": "payload"}, options={"idempotency_key": "k"})
    text = "\n".join(
        record.getMessage() for record in caplog.records if record.name.startswith("trigger_dev")
    )
    assert "attempt 1 of 2 failed (status 500)" in text
    assert SECRET_KEY not in text and "Bearer" not in text and "payload" not in text


def test_trigger_log_with_logging_configured_prints_each_line_once() -> None:
    script = (
        "import logging, sys; logging.basicConfig(stream=sys.stdout, level=logging.DEBUG, format='%(message)s');"
        "import trigger_dev; logging.getLogger('trigger_dev').debug('marker line')"
    )
    env = {**os.environ, "TRIGGER_LOG": "debug"}
    output = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    assert (output.stdout + output.stderr).count("marker line") == 1

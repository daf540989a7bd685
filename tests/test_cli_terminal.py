"""The command line in a real terminal: ``trigger-dev`` run in a tmux session of its own,
keys sent to it and its screen read back, for what only a terminal shows: the live view of
``runs watch``, Ctrl-C in the middle of a watch or of a page, the confirmation and progress
bar of ``runs bulk-cancel``, tables and colours (and ``NO_COLOR``).

Each test starts its own tmux server on a socket of its own and kills it afterwards. Without
tmux the tests are skipped on a developer's machine and fail in CI (``CI`` set), where
.ci/run installs it.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sysconfig
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.support.api_server import ApiState, api_server
from tests.support.clients import SECRET_KEY
from tests.support.realtime_server import RealtimeServer, realtime_server, run_row

SCRIPT = Path(sysconfig.get_path("scripts")) / "trigger-dev"
WAIT = 15.0  # seconds any one thing may take to show on the screen
COLOUR = re.compile(r"\x1b\[[0-9;]*(3[0-7]|38;[0-9;]+|9[0-7])m")


class Terminal:
    """A tmux server with one 120x30 window, on its own socket."""

    def __init__(self) -> None:
        self.socket = self._new_socket()

    @staticmethod
    def _new_socket() -> str:
        return f"trigger-dev-cli-{os.getpid()}-{uuid.uuid4().hex[:8]}"

    def restart(self) -> None:
        """Kill this tmux server; the next `start` starts another."""
        self.kill()
        self.socket = self._new_socket()

    def tmux(self, *arguments: str) -> str:
        result = subprocess.run(
            ["tmux", "-L", self.socket, "-f", "/dev/null", *arguments],
            capture_output=True, text=True, timeout=30, check=True,
        )  # fmt: skip
        return result.stdout

    def start(self, *arguments: str, api_url: str, **env: str) -> None:
        """Run ``trigger-dev ARGUMENTS``; once it ends the screen says ``[exit N]``."""
        variables = {
            "TRIGGER_API_URL": api_url,
            "TRIGGER_SECRET_KEY": SECRET_KEY,
            "TERM": "xterm-256color",
            **env,
        }
        command = shlex.join(
            [
                "env",
                "-u",
                "NO_COLOR",
                "-u",
                "FORCE_COLOR",
                *(f"{k}={v}" for k, v in variables.items()),
                str(SCRIPT),
                *arguments,
            ]
        )
        # The shell outlives Ctrl-C (a trap with a command, which its child does not inherit),
        # to say how the command ended.
        script = f'trap "true" INT; {command}; echo "[exit $?]"; sleep 600'
        self.tmux("new-session", "-d", "-s", "cli", "-x", "120", "-y", "30", "sh", "-c", script)

    def screen(self, *, escapes: bool = False) -> str:
        return self.tmux("capture-pane", "-p", "-t", "cli", *(["-e"] if escapes else []))

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", "cli", *keys)

    def wait_for(self, what: str | Callable[[str], bool], *, escapes: bool = False) -> str:
        deadline = time.monotonic() + WAIT
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen(escapes=escapes)
            if (what in screen) if isinstance(what, str) else what(screen):
                return screen
            time.sleep(0.05)
        raise AssertionError(f"not on the screen after {WAIT} s: {what!r}\n---\n{screen}")

    def kill(self) -> None:
        subprocess.run(
            ["tmux", "-L", self.socket, "kill-server"], capture_output=True, timeout=30, check=False
        )


@pytest.fixture
def terminal() -> Iterator[Terminal]:
    if shutil.which("tmux") is None:
        if os.environ.get("CI"):
            pytest.fail("tmux is not installed; CI must run the terminal tests (.ci/run installs tmux)")
        pytest.skip("tmux is not installed")
    assert SCRIPT.exists(), "the trigger-dev console script (pip install -e . installs it)"
    session = Terminal()
    try:
        yield session
    finally:
        session.kill()


@pytest.fixture
def realtime() -> Iterator[RealtimeServer]:
    with realtime_server() as server:
        yield server


@pytest.fixture
def api() -> Iterator[ApiState]:
    with api_server() as state:
        yield state


def test_runs_watch_updates_in_place_and_ends_with_the_run(
    terminal: Terminal, realtime: RealtimeServer
) -> None:
    realtime.insert(run_row(1, status="PENDING", taskIdentifier="send-email"))
    terminal.start("runs", "watch", "run_1", "--exit-status", api_url=realtime.base_url)
    terminal.wait_for(lambda s: "QUEUED" in s and "watching (Ctrl-C to stop)" in s)
    realtime.update("cm00000001", status="EXECUTING", metadata=json.dumps({"progress": 0.5}))
    screen = terminal.wait_for('{"progress":0.5}')
    assert "EXECUTING" in screen and "QUEUED" not in screen  # redrawn, not appended
    realtime.update(
        "cm00000001",
        status="COMPLETED_SUCCESSFULLY",
        output=json.dumps({"sent": True}),
        metadata=json.dumps({"progress": 1}),
    )
    screen = terminal.wait_for("[exit 0]")
    assert "COMPLETED" in screen and '{"sent":true}' in screen and "finished" in screen
    assert "watching" not in screen
    assert screen.count("run_1  ") == 1, screen


def test_runs_watch_exit_status_says_a_run_failed(terminal: Terminal, realtime: RealtimeServer) -> None:
    realtime.insert(run_row(1, status="EXECUTING"))
    terminal.start("runs", "watch", "run_1", "--exit-status", api_url=realtime.base_url)
    terminal.wait_for("EXECUTING")
    realtime.update(
        "cm00000001", status="COMPLETED_WITH_ERRORS", error={"name": "Error", "message": "SMTP refused"}
    )
    screen = terminal.wait_for("[exit 3]")
    assert "FAILED" in screen and "Error: SMTP refused" in screen


def test_ctrl_c_mid_watch_leaves_cleanly(terminal: Terminal, realtime: RealtimeServer) -> None:
    realtime.insert(run_row(1, status="EXECUTING"))
    terminal.start("runs", "watch", "run_1", api_url=realtime.base_url)
    terminal.wait_for("watching (Ctrl-C to stop)")
    terminal.keys("C-c")
    screen = terminal.wait_for("[exit 130]")
    assert "Traceback" not in screen and "KeyboardInterrupt" not in screen and "Aborted" not in screen


def test_ctrl_c_mid_page_leaves_cleanly(terminal: Terminal, api: ApiState) -> None:
    api.add_runs(3)
    api.page_delay = 60  # the page never comes; the stand-in lets go when the test ends
    terminal.start("runs", "list", api_url=api.base_url)
    deadline = time.monotonic() + WAIT
    while not api.seen("/api/v1/runs") and time.monotonic() < deadline:
        time.sleep(0.05)
    assert api.seen("/api/v1/runs"), "runs list never asked for a page"
    terminal.keys("C-c")
    screen = terminal.wait_for("[exit 130]")
    assert "Traceback" not in screen and "KeyboardInterrupt" not in screen


def test_bulk_cancel_asks_then_shows_a_progress_bar(terminal: Terminal, api: ApiState) -> None:
    api.add_runs(20, status="QUEUED")
    api.cancel_delay = 0.1
    terminal.start("runs", "bulk-cancel", "--status", "QUEUED", api_url=api.base_url)
    terminal.wait_for("Cancel 20 runs? [y/N]")
    assert not [r for r in api.requests if r.method == "POST"]
    terminal.keys("y", "Enter")
    screen = terminal.wait_for(lambda s: re.search(r"Cancelling .* ([1-9]|1[0-9])/20", s) is not None)
    assert "[exit" not in screen  # seen while it was under way
    screen = terminal.wait_for("[exit 0]")
    assert "20/20" in screen and "Cancelled 20 of 20 runs." in screen
    assert len([r for r in api.requests if r.method == "POST"]) == 20


def test_bulk_cancel_declined_cancels_nothing(terminal: Terminal, api: ApiState) -> None:
    api.add_runs(2, status="QUEUED")
    terminal.start("runs", "bulk-cancel", "--status", "QUEUED", api_url=api.base_url)
    terminal.wait_for("Cancel 2 runs? [y/N]")
    terminal.keys("n", "Enter")
    screen = terminal.wait_for("[exit 0]")
    assert "Nothing was cancelled." in screen
    assert not [r for r in api.requests if r.method == "POST"]


def test_a_list_is_a_coloured_table_on_a_terminal_and_no_color_is_respected(
    terminal: Terminal, api: ApiState
) -> None:
    api.add_runs(1, status="FAILED")
    api.add_runs(1, status="COMPLETED")
    terminal.start("runs", "list", api_url=api.base_url)
    screen = terminal.wait_for("[exit 0]", escapes=True)
    plain = re.sub(r"\x1b\[[0-9;]*m", "", screen)
    assert re.search(r"ID\s+STATUS\s+TASK\s+CREATED\s+DURATION", plain)
    assert "\t" not in plain
    failed_line = next(line for line in screen.splitlines() if "FAILED" in line)
    assert COLOUR.search(failed_line), repr(failed_line)
    terminal.restart()
    terminal.start("runs", "list", api_url=api.base_url, NO_COLOR="1")
    screen = terminal.wait_for("[exit 0]", escapes=True)
    assert "FAILED" in screen and not COLOUR.search(screen), repr(screen)

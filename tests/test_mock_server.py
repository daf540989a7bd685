"""The Prism mock's runner stops Prism on every way out: a signal to the runner must not leave
Prism (which runs in a session of its own) behind, listening."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RUNNER = ROOT / "tests" / "support" / "mock_server.py"


def _prism_pids(port: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                command = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if (
                b"--port" in command
                and port.encode() in command
                and any(b"prism" in part for part in command)
            ):
                found.append(int(entry.name))
    return found


def _start(*command: str) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, str(RUNNER), "--", *command] if command else [sys.executable, str(RUNNER)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    line = process.stderr.readline()  # "Prism serves ... at http://127.0.0.1:PORT"
    match = re.search(r"127\.0\.0\.1:(\d+)", line)
    assert match, line + process.stderr.read()
    return process, match.group(1)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
@pytest.mark.parametrize("with_command", [False, True], ids=["serving", "running a command"])
def test_a_signal_to_the_runner_stops_prism(signum: int, with_command: bool) -> None:
    process, port = _start(*(["sleep", "30"] if with_command else []))
    try:
        assert _prism_pids(port), "Prism should be running"
        os.kill(process.pid, signum)
        assert process.wait(timeout=20) == 128 + signum
        deadline = time.monotonic() + 10
        while _prism_pids(port) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _prism_pids(port) == []
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()

"""The Prism mock server of an OpenAPI file, on 127.0.0.1, for `--live`, `make record` and `make demo`.

`python tests/support/mock_server.py [--spec PATH] -- COMMAND...` runs COMMAND with TRIGGER_API_URL set to
the mock's URL and TRIGGER_SECRET_KEY to a placeholder key (the mock takes any key; a real one
has no business there), and exits with its status; with no COMMAND it serves until interrupted.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parent.parent.parent
MOCK_DIR = ROOT / "tools" / "mock"
PRISM = MOCK_DIR / "node_modules" / ".bin" / "prism"
SPEC = ROOT / "openapi" / "trigger.yaml"
HOST = "127.0.0.1"  # never anything else: the mock is for this machine only
START_TIMEOUT = 30.0
# The key commands run under the mock use: long enough for the tokens a client signs with it.
MOCK_SECRET_KEY = "tr_dev_mock-server-key-long-enough-for-hs256"
STOP_TIMEOUT = 5.0

# Fixes for two Prism bugs the spec runs into; see the file for what and why.
PRELOAD = MOCK_DIR / "prism-preload.mjs"


class MockServerError(RuntimeError):
    """Prism is not installed, exited, or did not answer in time."""


def ensure_installed() -> None:
    if not PRISM.exists():
        raise MockServerError(f"Prism is not installed ({PRISM} is missing): run `make setup`.")


def prism_command(spec_path: Path, port: int) -> list[str]:
    return [
        "node", "--import", PRELOAD.as_uri(),
        str(PRISM), "mock", str(spec_path), "--host", HOST, "--port", str(port),
        "--errors",  # a response that breaks the spec is a 500, never a silent pass
        "--no-dynamic",  # serve the documented examples, never generated (faker) data
        "--no-cors",  # no Access-Control-* headers in the recordings
    ]  # fmt: skip


def _checked_port(port: int) -> int:  # the port, or a free one for 0, once nothing listens there
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as Node does; a listener still fails
        try:
            sock.bind((HOST, port))
        except OSError as error:
            raise MockServerError(f"Cannot serve on {HOST}:{port}: {error}") from error
        return int(sock.getsockname()[1])


def _answers(port: int) -> bool:
    connection = http.client.HTTPConnection(HOST, port, timeout=1)
    try:
        connection.request("GET", "/")
        connection.getresponse().read()
        return True
    except (OSError, http.client.HTTPException):
        return False
    finally:
        connection.close()


def _fail(message: str, log: IO[bytes]) -> MockServerError:
    log.seek(0)
    return MockServerError(f"{message}; its output:\n{log.read().decode(errors='replace')[-8000:]}")


@contextlib.contextmanager
def running_mock(spec_path: Path, *, port: int | None = None) -> Iterator[str]:
    """Serve spec_path with Prism on 127.0.0.1 and yield its base URL; always stop it afterwards."""
    ensure_installed()
    port = _checked_port(port or 0)
    with tempfile.TemporaryFile() as log:  # a file, not a pipe, so Prism never blocks writing to it
        # A session of its own: Ctrl-C reaches only this process, which then stops Prism.
        process = subprocess.Popen(
            prism_command(spec_path, port), stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True
        )  # fmt: skip
        try:
            deadline = time.monotonic() + START_TIMEOUT
            while not _answers(port):
                if process.poll() is not None:
                    raise _fail(f"Prism exited with status {process.returncode} on startup", log)
                if time.monotonic() > deadline:
                    raise _fail(f"Prism did not answer within {START_TIMEOUT:g} s", log)
                time.sleep(0.1)
            yield f"http://{HOST}:{port}"
            if process.poll() is not None:
                raise _fail(f"Prism exited with status {process.returncode} while in use", log)
        finally:
            _stop(process)


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Stop Prism and anything it started: it has a process group of its own."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def _exit_on(signum: int, _frame: object) -> None:
    # SIGTERM or SIGHUP would end this process without running `finally`, and Prism, in a
    # session of its own, would outlive it: turn them into an ordinary exit instead.
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--spec", type=Path, default=SPEC, help="the OpenAPI file (default: %(default)s)")
    parser.add_argument("command", nargs="*", help="the command to run, after --")
    args = parser.parse_args(argv)
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _exit_on)
    with running_mock(args.spec) as url:
        print(f"Prism serves {args.spec} at {url}", file=sys.stderr, flush=True)
        if args.command:
            env = {**os.environ, "TRIGGER_API_URL": url, "TRIGGER_SECRET_KEY": MOCK_SECRET_KEY}
            env.pop("TRIGGER_ACCESS_TOKEN", None)
            return subprocess.run(args.command, env=env).returncode
        with contextlib.suppress(KeyboardInterrupt):
            while True:
                time.sleep(3600)
    return 0


if __name__ == "__main__":
    sys.exit(main())

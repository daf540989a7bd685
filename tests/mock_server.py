"""The Prism mock server of an OpenAPI file, on 127.0.0.1, for `--live`, `make record` and `make demo`.

`python tests/mock_server.py [--spec PATH] -- COMMAND...` runs COMMAND with TRIGGER_API_URL set to
the mock's URL and exits with its status; with no COMMAND it serves until interrupted.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parent.parent
MOCK_DIR = ROOT / "tools" / "mock"
PRISM = MOCK_DIR / "node_modules" / ".bin" / "prism"
SPEC = ROOT / "openapi" / "trigger.yaml"
HOST = "127.0.0.1"  # never anything else: the mock is for this machine only
START_TIMEOUT = 30.0
STOP_TIMEOUT = 5.0

# Two Prism bugs (5.14.2, still in 5.16.0) that the spec hits, patched by a preload:
# 1. While printing example URLs at startup the CLI percent-encodes form-style query parameter names
#    in place; then `filter[env]` never matches a request (a required one always fails validation,
#    an optional one is never checked). Put the names back after the printing.
# 2. An application/x-ndjson body reaches validation as one string, which never matches the item
#    schema. Validate it line by line instead.
_PRELOAD = rf"""import {{ createRequire }} from "node:module";
const require = createRequire({json.dumps(str(MOCK_DIR / "package.json"))});
const paths = require("@stoplight/prism-cli/dist/util/paths"), createExamplePath = paths.createExamplePath;
paths.createExamplePath = (operation, ...rest) => {{
  const query = operation.request?.query ?? [], names = query.map((param) => param.name);
  try {{ return createExamplePath(operation, ...rest); }}
  finally {{ query.forEach((param, i) => {{ param.name = names[i]; }}); }}
}};
const validators = require("@stoplight/prism-http/dist/validator/validators"), validateBody = validators.validateBody;
const lineError = (d, i) => ({{ ...d, path: [d.path[0] ?? "body", String(i), ...d.path.slice(1)], message: `${{d.message}} (line ${{i + 1}})` }});
validators.validateBody = (body, specs, context, mediaType, ...rest) => {{
  if (typeof body !== "string" || !/^application\/(x-)?ndjson\b/i.test(mediaType ?? "")) return validateBody(body, specs, context, mediaType, ...rest);
  for (const [i, line] of body.split("\n").filter((line) => line.trim()).entries()) {{
    let item;
    try {{ item = JSON.parse(line); }}
    catch {{ return {{ _tag: "Left", left: [lineError({{ path: [], code: "ndjson", message: "Request body is not JSON", severity: 0 }}, i)] }}; }}
    const result = validateBody(item, specs, context, mediaType, ...rest);
    if (result._tag === "Left") return {{ _tag: "Left", left: result.left.map((d) => lineError(d, i)) }};
  }}
  return {{ _tag: "Right", right: body }};
}};"""


class MockServerError(RuntimeError):
    """Prism is not installed, exited, or did not answer in time."""


def ensure_installed() -> None:
    if not PRISM.exists():
        raise MockServerError(f"Prism is not installed ({PRISM} is missing): run `make setup`.")


def prism_command(spec_path: Path, port: int) -> list[str]:
    return [
        "node", "--import", "data:text/javascript," + urllib.parse.quote(_PRELOAD),
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
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=STOP_TIMEOUT)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--spec", type=Path, default=SPEC, help="the OpenAPI file (default: %(default)s)")
    parser.add_argument("command", nargs="*", help="the command to run, after --")
    args = parser.parse_args(argv)
    with running_mock(args.spec) as url:
        print(f"Prism serves {args.spec} at {url}", file=sys.stderr, flush=True)
        if args.command:
            return subprocess.run(args.command, env={**os.environ, "TRIGGER_API_URL": url}).returncode
        with contextlib.suppress(KeyboardInterrupt):
            while True:
                time.sleep(3600)
    return 0


if __name__ == "__main__":
    sys.exit(main())

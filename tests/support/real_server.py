"""The real Trigger.dev webapp of `make real-server`, for `make test-real` and `make record-real`.

``TRIGGER_REAL_SERVER=<path to .real-server/credentials.json>`` points the cassette tests at it:
``api_url`` is its URL and the ``sk_client``/``pat_client`` fixtures use the keys its seed made
(the lane writes them there; the file is ignored by git and never read otherwise). Without the
variable nothing changes: cassettes replay, or ``--live`` uses the Prism mock.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

VARIABLE = "TRIGGER_REAL_SERVER"


def real_server() -> dict[str, Any] | None:
    """The lane's credentials file as a dict, or None when the variable is not set."""
    path = os.environ.get(VARIABLE)
    if not path:
        return None
    try:
        return dict(json.loads(Path(path).read_text()))
    except (OSError, ValueError) as error:
        raise RuntimeError(
            f"{VARIABLE}={path}: cannot read the real server's credentials: {error}"
        ) from error


def real_keys(server: dict[str, Any] | None, *names: str) -> dict[str, Any]:
    """Client arguments for the named credentials the real server has (none without it)."""
    if server is None:
        return {}
    return {name: server[name] for name in names if server.get(name)}

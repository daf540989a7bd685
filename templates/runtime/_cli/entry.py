# Runtime source of trigger_dev: codegen.py copies it into generated/trigger_dev/ unchanged.
"""The console script's entry point: runs the command line, or says in one line how to
install it when its libraries (the ``cli`` extra) are missing."""

from __future__ import annotations

import sys
from collections.abc import Sequence

INSTALL = "pip install 'trigger-dev[cli]'"
USAGE_EXIT = 2


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``trigger-dev`` with ``argv`` (default: the process's arguments); the exit status."""
    try:
        import click  # noqa: F401
        import rich  # noqa: F401

        if sys.version_info < (3, 11):
            import tomli  # noqa: F401
    except ImportError as error:
        missing = error.name or "a library"
        print(
            f"trigger-dev: the command line needs {missing}, which is not installed: {INSTALL}",
            file=sys.stderr,
        )
        return USAGE_EXIT
    from .app import run

    return run(list(sys.argv[1:] if argv is None else argv))

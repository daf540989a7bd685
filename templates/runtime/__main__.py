# Runtime source of trigger_dev: codegen.py copies it into generated/trigger_dev/ unchanged.
"""``python -m trigger_dev``: the command line, as the ``trigger-dev`` script runs it."""

from __future__ import annotations

import sys

from ._cli.entry import main

if __name__ == "__main__":
    sys.exit(main())

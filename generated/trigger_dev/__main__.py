# Copied by codegen.py from templates/runtime/__main__.py (sha256 e72622ccc709fc90); edit that file, not this one.
"""``python -m trigger_dev``: the command line, as the ``trigger-dev`` script runs it."""

from __future__ import annotations

import sys

from ._cli.entry import main

if __name__ == "__main__":
    sys.exit(main())

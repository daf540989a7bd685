# Copied by codegen.py from templates/runtime/_logging.py (sha256 629c2ce7f53dd4c0); edit that file, not this one.
"""The ``trigger_dev`` logger. ``TRIGGER_LOG=debug`` or ``info`` turns it on at import."""

from __future__ import annotations

import logging
import os

__all__ = ["logger"]

logger = logging.getLogger("trigger_dev")


def _setup_from_environment() -> None:
    level = os.environ.get("TRIGGER_LOG", "").strip().lower()
    if level not in ("debug", "info"):
        return
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
        logger.addHandler(handler)
        # This handler prints each line; passing it on to the application's handlers too
        # would print it twice where logging is configured. To route the lines through your
        # own setup instead, leave TRIGGER_LOG unset and configure the logger.
        logger.propagate = False
    logger.setLevel(logging.DEBUG if level == "debug" else logging.INFO)


_setup_from_environment()

# Runtime source of trigger_dev: codegen.py copies it into generated/trigger_dev/ unchanged.
"""The ``trigger_dev`` logger. ``TRIGGER_LOG=debug`` or ``info`` turns it on at import; any
other value is ignored with a `RuntimeWarning` naming the valid ones."""

from __future__ import annotations

import logging
import os
import warnings

__all__ = ["logger"]

logger = logging.getLogger("trigger_dev")


LEVELS = ("debug", "info")


def _setup_from_environment() -> None:
    value = os.environ.get("TRIGGER_LOG", "")
    level = value.strip().lower()
    if level not in LEVELS:
        if level:
            # Once: this runs at import, which happens once per process.
            warnings.warn(
                f"TRIGGER_LOG={value!r} is not a level trigger_dev knows, so it is ignored; "
                f"use one of {', '.join(LEVELS)} (or leave it unset and configure the "
                "'trigger_dev' logger yourself)",
                RuntimeWarning,
                stacklevel=2,
            )
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

"""Logging: the `trigger_dev` logger, configured like any other (or with TRIGGER_LOG=debug)."""

from __future__ import annotations

import logging
import sys

import trigger_dev

handler = logging.StreamHandler(sys.stdout)
handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
logger = logging.getLogger("trigger_dev")
logger.addHandler(handler)
logger.setLevel(logging.DEBUG)

client = trigger_dev.TriggerClient()
client.runs.retrieve("run_1234abcd")  # logged as: GET /api/v3/runs/run_1234abcd -> 200 in … ms (attempt 1)
logger.removeHandler(handler)

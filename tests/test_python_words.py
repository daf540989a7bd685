"""What a Python user reads at run time names Python things: argument errors name the
argument (``from_``, ``options['delay']``), never the wire field; `dir()` shows every name."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest

import trigger_dev
from tests.support.clients import SECRET_KEY

NAIVE = datetime.datetime(2030, 1, 1)


def test_dir_lists_the_names_loaded_on_first_use() -> None:
    names = dir(trigger_dev)
    assert "AsyncTriggerClient" in names and "RetryOptions" in names and "TriggerClient" in names
    assert set(trigger_dev.__all__) <= set(names)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda c: c.runs.list(from_=NAIVE),
            r"^runs\.list\(\) argument 'from_' must be a timezone-aware datetime",
        ),
        (
            lambda c: c.runs.reschedule("run_1", delay=datetime.timedelta(seconds=0.5)),
            r"^runs\.reschedule\(\) argument 'delay' must be a whole number of seconds",
        ),
        (
            lambda c: c.tasks.trigger("t", {}, options={"delay": NAIVE}),
            r"^tasks\.trigger\(\) argument options\['delay'\] must be a timezone-aware datetime",
        ),
        (
            lambda c: c.tasks.trigger("t", {}, options={"debounce": {"key": 1}}),
            r"^tasks\.trigger\(\) argument options\['debounce'\]\['key'\] must be a string",
        ),
        (
            lambda c: c.tasks.trigger("t", {}, options={"idempotency_key": ""}),
            r"^tasks\.trigger\(\) argument options\['idempotency_key'\] cannot be empty",
        ),
        (
            lambda c: c.tasks.batch_trigger("t", [{"payload": 1, "options": {"delay": NAIVE}}]),
            r"^tasks\.batch_trigger\(\) items\[0\]\['options'\]\['delay'\] must be a timezone-aware",
        ),
        (
            lambda c: c.runs.update_metadata("run_1", operations=[{"type": "set", "key": "a", "valu": 1}]),
            r"^runs\.update_metadata\(\) argument operations\[0\] has no key 'valu'",
        ),
        (
            lambda c: c.idempotency_keys.create(42),
            r"^idempotency_keys\.create\(\) argument 'key' must be a string or a list of strings",
        ),
    ],
)
def test_argument_errors_name_python_arguments(call: Any, message: str) -> None:
    client = trigger_dev.TriggerClient(secret_key=SECRET_KEY, base_url="http://127.0.0.1:9")
    with pytest.raises((TypeError, ValueError), match=message) as caught:
        call(client)
    text = str(caught.value)
    assert not re.search(r"filter\[|createdAt|idempotencyKey|delayUntil", text), text

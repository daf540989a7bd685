# Runtime source of trigger_dev: codegen.py copies it into generated/trigger_dev/ unchanged.
"""Decoding JSON: with orjson when it is installed (the ``fast`` extra), else with the
standard library. The results are the same either way: what orjson refuses and the standard
library reads (``NaN``, ``Infinity``, lone surrogates) is read by the standard library, and so
is a text with a run of 19 digits or more, since orjson reads integers beyond 64 bits as
floats where the standard library keeps them exact."""

from __future__ import annotations

import json
import re
from typing import Any

__all__ = ["decoder", "loads"]

try:
    import orjson as _orjson
except ImportError:  # the extra is not installed
    _orjson = None  # type: ignore[assignment]


_LONG_NUMBER_BYTES = re.compile(rb"[0-9]{19}")
_LONG_NUMBER_TEXT = re.compile(r"[0-9]{19}")


def loads(data: bytes | bytearray | str) -> Any:
    if _orjson is not None and not (
        _LONG_NUMBER_TEXT.search(data) if isinstance(data, str) else _LONG_NUMBER_BYTES.search(data)
    ):
        try:
            return _orjson.loads(data)
        except _orjson.JSONDecodeError:
            pass  # decided by the standard library below, as without orjson
    return json.loads(data)


def decoder() -> str:
    """Which decoder `loads` uses: ``"orjson"`` or ``"json"``."""
    return "json" if _orjson is None else "orjson"

# Copied by codegen.py from templates/runtime/_json.py (sha256 788c96cca68e9a4f); edit that file, not this one.
"""Decoding JSON: with orjson when it is installed (the ``fast`` extra), else with the
standard library. The results are the same either way: what orjson refuses and the standard
library reads (``NaN``, ``Infinity``, lone surrogates) is read by the standard library, and so
is a text with a number of 19 digits or more, since orjson reads integers beyond 64 bits as
floats where the standard library keeps them exact. Digit runs inside strings (ids, say) do
not count: a number follows ``:``, ``[`` or ``,`` (or starts the text)."""

from __future__ import annotations

import json
from typing import Any

__all__ = ["decoder", "loads"]

try:
    import orjson as _orjson
except ImportError:  # the extra is not installed
    _orjson = None  # type: ignore[assignment]

_LONG = 19  # digits from which an integer may not fit in 64 bits
# One pass in C: every digit becomes "0", the bytes a number may follow (":", "[", ",")
# become ":", and whitespace and minus signs go, so a number token of _LONG digits or more
# shows as ":" and _LONG zeros (or zeros at the start). Digits inside strings may show so too
# (text after a comma, say); they only cost a decoding by the standard library.
_MASK = bytes.maketrans(b"0123456789[,", b"0000000000::")
_DROP = b" \t\r\n-"
_NUMBER = b":" + b"0" * _LONG


def loads(data: bytes | bytearray | str) -> Any:
    if _orjson is not None and not _has_long_number(data):
        try:
            return _orjson.loads(data)
        except _orjson.JSONDecodeError:
            pass  # decided by the standard library below, as without orjson
    return json.loads(data)


def _has_long_number(data: bytes | bytearray | str) -> bool:
    """Whether a number token of ``_LONG`` digits or more may occur (outside strings)."""
    raw = data.encode() if isinstance(data, str) else data
    masked = raw.translate(_MASK, _DROP)
    return _NUMBER in masked or masked.startswith(_NUMBER[1:])


def decoder() -> str:
    """Which decoder `loads` uses: ``"orjson"`` or ``"json"``."""
    return "json" if _orjson is None else "orjson"

# Copied by codegen.py from templates/runtime/_json.py (sha256 7dbd0fc98ff12850); edit that file, not this one.
"""Decoding JSON: with msgspec when it is installed (the ``fast`` extra), else with the
standard library. The results are the same either way. msgspec reads every value the
standard library reads in the same way (integers of any size included); what it refuses and
the standard library accepts (``NaN``, ``Infinity``, lone surrogates, a byte-order mark,
UTF-16) is read by the standard library, and an invalid text fails as it would without the
extra, with the standard library's error."""

from __future__ import annotations

import json
from typing import Any

__all__ = ["decoder", "loads"]

try:
    import msgspec as _msgspec
except ImportError:  # the extra is not installed
    _msgspec = None  # type: ignore[assignment]
    _decode = None
else:
    _decode = _msgspec.json.Decoder().decode


def loads(data: bytes | bytearray | str) -> Any:
    if _decode is not None:
        try:
            return _decode(data)
        except (_msgspec.DecodeError, UnicodeDecodeError):
            pass  # decided by the standard library below, as without msgspec
    return json.loads(data)


def decoder() -> str:
    """Which decoder `loads` uses: ``"msgspec"`` or ``"json"``."""
    return "json" if _decode is None else "msgspec"

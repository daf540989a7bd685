"""The optional faster decoder (orjson, extra ``fast``) gives exactly what the standard
library gives, for every JSON text, and is the one the client uses when installed."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trigger_dev import _json

orjson = pytest.importorskip("orjson")

values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)


def same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a):
        return math.isnan(b)
    if type(a) is not type(b):
        return False
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    return bool(a == b)


@settings(max_examples=300)
@given(values)
def test_the_same_value_as_the_standard_library(value: Any) -> None:
    text = json.dumps(value)  # NaN, Infinity and big integers included: json writes them
    assert same(_json.loads(text.encode()), json.loads(text))
    assert same(_json.loads(text), json.loads(text))


@pytest.mark.parametrize(
    "text",
    [
        '{"a": 1, "a": 2}',  # duplicate keys: the last wins in both
        '"\\ud800"',  # a lone surrogate: orjson refuses it, json reads it
        "[NaN, Infinity, -Infinity]",
        "123456789012345678901234567890",
        '{"n": 1.0, "e": 1e400, "z": -0.0}',
        " [1, 2] ",
    ],
)
def test_what_orjson_refuses_is_read_as_json_reads_it(text: str) -> None:
    assert same(_json.loads(text.encode()), json.loads(text))


def test_invalid_json_fails_as_it_does_without_orjson(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ValueError):
        _json.loads(b"{not json")
    monkeypatch.setattr(_json, "_orjson", None)
    assert _json.decoder() == "json"
    with pytest.raises(ValueError):
        _json.loads(b"{not json")


def test_orjson_is_used_when_installed() -> None:
    assert _json.decoder() == "orjson"


def test_long_digit_runs_inside_strings_keep_orjson() -> None:
    # Ids and other strings may hold long digit runs; only a number token needs json.
    assert not _json._has_long_number(b'{"id": "run_00000000000000000001", "n": 12}')
    assert _json._has_long_number(b'{"n":\n  12345678901234567890}')
    assert _json._has_long_number(b"-12345678901234567890") and _json._has_long_number(
        " [1, -12345678901234567890]"
    )

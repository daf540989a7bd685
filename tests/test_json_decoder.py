"""The optional faster decoder (msgspec, extra ``fast``) gives exactly what the standard
library gives, for every JSON text, and is the one the client uses when installed."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trigger_dev import _json

msgspec = pytest.importorskip("msgspec")

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


numbers = st.from_regex(r"\A-?(0|[1-9][0-9]{0,40})(\.[0-9]{1,40})?([eE][-+]?[0-9]{1,3})?\Z")


@settings(max_examples=500)
@given(numbers)
def test_number_texts_read_to_the_same_value(text: str) -> None:
    # Correct rounding of long mantissas and extreme exponents, and integers of any size.
    assert same(_json.loads(text.encode()), json.loads(text))


@pytest.mark.parametrize(
    "text",
    [
        '{"a": 1, "a": 2}',  # duplicate keys: the last wins in both
        '"\\ud800"',  # a lone surrogate: msgspec refuses it, json reads it
        '"\\udc00\\ud800"',
        "[NaN, Infinity, -Infinity]",
        "123456789012345678901234567890",
        "[18446744073709551616, -9223372036854775809]",  # just beyond 64 bits
        '{"n": 1.0, "e": 1e400, "z": -0.0, "tiny": 1e-400}',
        "[2.2250738585072011e-308, 0.1000000000000000055511151231257827021181583404541015625]",
        " [1, 2] ",
    ],
)
def test_what_msgspec_reads_or_refuses_is_read_as_json_reads_it(text: str) -> None:
    assert same(_json.loads(text.encode()), json.loads(text))
    assert same(_json.loads(text), json.loads(text))


@pytest.mark.parametrize(
    "data",
    [
        b'\xef\xbb\xbf{"a": 1}',  # a UTF-8 byte-order mark
        '{"a": "\u00e9"}'.encode("utf-16"),  # json detects UTF-16 and UTF-32
        b'"\xed\xa0\x80"',  # a surrogate encoded as UTF-8: json reads it with surrogatepass
    ],
)
def test_bytes_only_the_standard_library_reads_are_read_by_it(data: bytes) -> None:
    assert same(_json.loads(data), json.loads(data))


@pytest.mark.parametrize("data", [b"{not json", b"[1,]", b"1 2", b'"\x01"', b'"\xff"', b""])
def test_invalid_json_fails_with_the_standard_librarys_error(data: bytes) -> None:
    with pytest.raises(ValueError) as with_msgspec:
        _json.loads(data)
    with pytest.raises(ValueError) as without:
        json.loads(data)
    assert (type(with_msgspec.value), str(with_msgspec.value)) == (type(without.value), str(without.value))


def test_the_standard_library_decodes_when_msgspec_is_absent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_json, "_decode", None)
    assert _json.decoder() == "json"
    assert _json.loads(b'{"a": [1, 2.5, null]}') == {"a": [1, 2.5, None]}
    with pytest.raises(ValueError):
        _json.loads(b"{not json")


def test_msgspec_is_used_when_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _json.decoder() == "msgspec"
    calls: list[bytes] = []
    decode = _json._decode
    assert decode is not None

    def counted(data: bytes) -> Any:
        calls.append(data)
        return decode(data)

    monkeypatch.setattr(_json, "_decode", counted)
    assert _json.loads(b"[1]") == [1]
    assert calls == [b"[1]"]

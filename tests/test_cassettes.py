"""No committed cassette holds a key, and the filters that keep keys out actually work."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from vcr.request import Request

from tests.support.cassette_filters import FILTERED, KEY_SHAPED, scrub_request, scrub_response

CASSETTES = Path(__file__).resolve().parent / "cassettes"
REAL_LOOKING_KEY = "tr_prod_" + "Ab3dEf6hIj9kLm2nOp5qRs8t"  # split so this file is not key-shaped
JWT = "eyJhbGciOiJIUzI1NiJ9" + ".eyJzdWIiOiJlbnZfMTIzIiwicHViIjp0cnVlfQ.c2lnbmF0dXJl"


def cassette_files() -> list[Path]:
    return sorted(CASSETTES.rglob("*.yaml"))


def test_there_are_cassettes() -> None:
    assert len(cassette_files()) >= 20


@pytest.mark.parametrize("path", cassette_files(), ids=lambda p: p.stem)
def test_no_cassette_holds_a_key(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    leaks = KEY_SHAPED.findall(text)
    assert not leaks, f"{path.name} holds key-shaped strings: {leaks}"
    assert "Bearer " not in text


@pytest.mark.parametrize("path", cassette_files(), ids=lambda p: p.stem)
def test_every_recorded_request_matched_the_spec(path: Path) -> None:
    # Prism validates each request against openapi/trigger.yaml and reports what did not match
    # in an sl-violations header; a recording without one is proof the request was valid.
    assert "sl-violations" not in path.read_text(encoding="utf-8").lower()


def test_the_response_filter_removes_tokens_from_headers_and_bodies() -> None:
    response = {
        "status": {"code": 200, "message": "OK"},
        "headers": {"x-trigger-jwt": [JWT], "Content-Type": ["application/json"]},
        "body": {
            "string": json.dumps({"apiKey": REAL_LOOKING_KEY, "note": f"key {REAL_LOOKING_KEY}"}).encode()
        },
    }
    cleaned = scrub_response(response)
    text = json.dumps(cleaned, default=lambda b: b.decode())
    assert REAL_LOOKING_KEY not in text and JWT not in text
    assert cleaned["headers"]["x-trigger-jwt"] == [FILTERED]
    assert json.loads(cleaned["body"]["string"])["apiKey"] == FILTERED


def test_the_request_filter_removes_keys_from_bodies() -> None:
    request = Request("POST", "http://127.0.0.1/api/v1/x", json.dumps({"value": REAL_LOOKING_KEY}), {})
    assert REAL_LOOKING_KEY.encode() not in scrub_request(request).body

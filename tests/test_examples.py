"""Every example in examples/ runs as documented (against a cassette of the mock, or the mock)."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest

import trigger_dev

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

EXPECTED = {
    "quickstart.py": ["run run_1234abcd", "batch batch_1234abcd with 2 runs", "NotFoundError: status 404"],
    "retries.py": ["gave up after 3 attempts", "no retry: InternalServerError 500"],
    "pagination.py": ["first page: ['run_1234abcd']", "schedules page 1 of", "no page before the first"],
    "raw_responses.py": ["HTTP 200; public access token header present: True", "parsed: run run_1234abcd"],
    "errors.py": [
        "NotFoundError: status 404",
        "refused before sending",
        "AuthMethodError: runs.retrieve",
        "typo caught",
    ],
    "logging_setup.py": ["trigger_dev DEBUG GET /api/v3/runs/run_1234abcd -> 200"],
    "async_usage.py": [
        "triggered run_1234abcd and batch batch_1234abcd concurrently",
        "retrieved run_1234abcd: COMPLETED",
        "raw: HTTP 200",
    ],
}


def test_every_example_is_checked() -> None:
    assert sorted(p.name for p in EXAMPLES.glob("*.py")) == sorted(EXPECTED)


@pytest.mark.vcr
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_example(
    name: str, api_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("TRIGGER_API_URL", api_url)
    monkeypatch.setenv("TRIGGER_SECRET_KEY", "tr_dev_exampleKey")
    monkeypatch.setattr(trigger_dev._client, "_default", None)
    runpy.run_path(str(EXAMPLES / name), run_name="__main__")
    output = capsys.readouterr().out
    for fragment in EXPECTED[name]:
        assert fragment in output, f"{name} did not print {fragment!r}:\n{output}"

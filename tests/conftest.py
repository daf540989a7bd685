"""Shared fixtures: clients for each credential kind, and where their requests go.

Tests marked ``vcr`` replay cassettes from ``tests/cassettes`` (no network). With ``--live``
the same tests run against a Prism mock serving ``openapi/trigger.yaml`` with request
validation, which is also how ``make record`` re-records the cassettes.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import trustme

import trigger_dev
from tests.support.cassette_filters import SECRET_HEADERS, scrub_request, scrub_response
from tests.support.clients import ACCESS_TOKEN, ORG_TOKEN, REPLAY_URL, ROOT, SPEC, sync_client
from tests.support.real_server import real_keys, real_server

REAL_SERVER = real_server()  # TRIGGER_REAL_SERVER: `make test-real` / `make record-real`


def _give_vcr_responses_release_conn() -> None:
    # The client reads bodies itself and then hands the connection back to the pool;
    # vcrpy 8 (the release that runs on Python 3.10) replays responses with a stand-in that
    # lacks release_conn. vcrpy 9 has it.
    from vcr.stubs import VCRHTTPResponse

    if not hasattr(VCRHTTPResponse, "release_conn"):
        VCRHTTPResponse.release_conn = lambda self: None  # type: ignore[attr-defined]


_give_vcr_responses_release_conn()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Against the Prism mock (``--live``), the real server's cassette tests are left out:
    they were recorded from the real webapp and replay only from their own cassettes."""
    if not config.getoption("--live") or REAL_SERVER is not None:
        return
    left_out = [item for item in items if item.path.name == "test_real_server.py"]
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = [item for item in items if item.path.name != "test_real_server.py"]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--live",
        action="store_true",
        help="run the cassette tests against a local Prism mock of openapi/trigger.yaml",
    )


@pytest.fixture(scope="session")
def api_url(request: pytest.FixtureRequest) -> Iterator[str]:
    if REAL_SERVER is not None:
        yield str(REAL_SERVER["api_url"])
        return
    if not request.config.getoption("--live"):
        yield REPLAY_URL
        return
    from tests.support.mock_server import running_mock

    with running_mock(SPEC) as url:
        yield url


@pytest.fixture(scope="session")
def vcr_config() -> dict[str, Any]:
    return {
        "filter_headers": [(name, "<filtered>") for name in SECRET_HEADERS],
        "before_record_request": scrub_request,
        "before_record_response": scrub_response,
        # The mock's port changes between recordings; what identifies a request is the rest.
        "match_on": ["method", "path", "query", "body"],
        "decode_compressed_response": True,
    }


@pytest.fixture(scope="session")
def vcr_cassette_dir() -> str:
    return str(ROOT / "tests" / "cassettes")


@pytest.fixture
def sk_client(api_url: str) -> Iterator[trigger_dev.TriggerClient]:
    # One attempt: a cassette holds exactly the exchanges the call made.
    with sync_client(api_url, attempts=1, **real_keys(REAL_SERVER, "secret_key")) as client:
        yield client


@pytest.fixture
def pat_client(api_url: str) -> Iterator[trigger_dev.TriggerClient]:
    token = real_keys(REAL_SERVER, "access_token").get("access_token", ACCESS_TOKEN)
    with sync_client(api_url, access_token=token, attempts=1) as client:
        yield client


@pytest.fixture
def oat_client(api_url: str) -> Iterator[trigger_dev.TriggerClient]:
    token = real_keys(REAL_SERVER, "organization_access_token").get("organization_access_token", ORG_TOKEN)
    with sync_client(api_url, secret_key=token, attempts=1) as client:
        yield client


@pytest.fixture(autouse=True)
def _isolated_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests see no Trigger.dev settings from the machine, and no default client of another test."""
    for name in ("TRIGGER_SECRET_KEY", "TRIGGER_ACCESS_TOKEN", "TRIGGER_API_URL", "TRIGGER_LOG"):
        monkeypatch.delenv(name, raising=False)
    # Trigger options a deployment platform sets (TRIGGER_VERSION, a CI's commit SHA).
    monkeypatch.delenv("TRIGGER_VERSION", raising=False)
    monkeypatch.delenv("TRIGGER_EXTERNAL_DEPLOYMENT_ID", raising=False)
    monkeypatch.delenv("TRIGGER_AUTOMATIC_SKEW_VERSION_PROTECTION", raising=False)
    # Tests talk to 127.0.0.1: a proxy or CA bundle from the machine's environment must not
    # reroute them (tests/test_proxies.py sets these on purpose).
    for name in (
        "http_proxy",
        "https_proxy",
        "all_proxy",
        "no_proxy",
        "REQUESTS_CA_BUNDLE",
        "CURL_CA_BUNDLE",
    ):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    monkeypatch.setattr(trigger_dev._client, "_default", None)


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    """A throwaway certificate authority, for servers no default trust store accepts."""
    return trustme.CA()


@pytest.fixture
def ca_file(ca: trustme.CA, tmp_path: Path) -> str:
    path = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return str(path)

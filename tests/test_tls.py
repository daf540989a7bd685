"""TLS is verified by default; a private CA can be trusted through `ca_bundle` or a pool."""

from __future__ import annotations

import json
import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme
import urllib3

import trigger_dev
from tests.conftest import SECRET_KEY
from tests.local_server import JsonHandler, serving
from trigger_dev import TriggerClient


class _Replay(JsonHandler):
    def do_POST(self) -> None:
        self.send_json(json.dumps({"id": "run_2"}))


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="module")
def https_url(ca: trustme.CA) -> Iterator[str]:
    """An HTTPS server on 127.0.0.1 whose certificate only the throwaway CA vouches for."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    with serving(_Replay, tls=context) as url:
        yield url


@pytest.fixture
def ca_file(ca: trustme.CA, tmp_path: Path) -> str:
    path = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return str(path)


def test_an_untrusted_certificate_is_refused_by_default(https_url: str) -> None:
    client = TriggerClient(
        secret_key=SECRET_KEY, base_url=https_url, request_options={"retry": {"max_attempts": 1}}
    )
    with pytest.raises(
        trigger_dev.ApiConnectionError, match="CERTIFICATE_VERIFY_FAILED|certificate verify failed"
    ):
        client.runs.replay("run_1")


def test_a_ca_bundle_makes_the_private_ca_trusted(https_url: str, ca_file: str) -> None:
    client = TriggerClient(secret_key=SECRET_KEY, base_url=https_url, ca_bundle=ca_file)
    assert client.runs.replay("run_1").id == "run_2"


def test_a_pool_manager_of_your_own_is_used(https_url: str, ca_file: str) -> None:
    pool = urllib3.PoolManager(cert_reqs="CERT_REQUIRED", ca_certs=ca_file, maxsize=2)
    client = TriggerClient(secret_key=SECRET_KEY, base_url=https_url, pool_manager=pool)
    assert client.runs.replay("run_1").id == "run_2"
    assert len(pool.pools) == 1

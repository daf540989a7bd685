"""TLS is verified by default; a private CA can be trusted through `ca_bundle` or a pool."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import trustme
import urllib3

import trigger_dev
from tests.support.clients import SECRET_KEY, sync_client
from tests.support.local_server import ReplayHandler, serving, tls_context_for
from trigger_dev import TriggerClient


@pytest.fixture(scope="module")
def https_url(ca: trustme.CA) -> Iterator[str]:
    """An HTTPS server on 127.0.0.1 whose certificate only the throwaway CA vouches for."""
    with serving(ReplayHandler, tls=tls_context_for(ca)) as url:
        yield url


def test_an_untrusted_certificate_is_refused_by_default(https_url: str) -> None:
    client = sync_client(https_url, retry={"max_attempts": 1})
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

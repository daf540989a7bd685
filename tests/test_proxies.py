"""Proxies and the CA bundle from the environment, as requests and httpx read them, against a
local recording proxy: plain HTTP forwarding and CONNECT tunnels for HTTPS."""

from __future__ import annotations

import asyncio
import base64
import ipaddress
from collections.abc import Iterator

import pytest
import trustme
import urllib3

import trigger_dev
from tests.support.clients import SECRET_KEY, sync_client
from tests.support.local_server import ReplayHandler, serving, tls_context_for
from tests.support.proxy_server import ProxyLog, running_proxy
from trigger_dev import AsyncTriggerClient
from trigger_dev._http.environment import NoProxyRule, ca_bundle_for, proxy_settings


@pytest.fixture(scope="module")
def api() -> Iterator[str]:
    with serving(ReplayHandler) as url:
        yield url


@pytest.fixture(scope="module")
def https_api(ca: trustme.CA) -> Iterator[str]:
    with serving(ReplayHandler, tls=tls_context_for(ca)) as url:
        yield url


@pytest.fixture
def proxy() -> Iterator[tuple[str, ProxyLog]]:
    with running_proxy() as running:
        yield running


def test_http_proxy_from_the_environment_forwards_plain_http(
    api: str, proxy: tuple[str, ProxyLog], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, log = proxy
    monkeypatch.setenv("HTTP_PROXY", url)
    assert sync_client(api, attempts=1).runs.replay("run_1").id == "run_2"
    assert log.lines == [f"POST {api}/api/v1/runs/run_1/replay HTTP/1.1"]
    assert log.forwarded_authorization == [f"Bearer {SECRET_KEY}"]


def test_https_proxy_tunnels_https_with_connect(
    https_api: str, ca_file: str, proxy: tuple[str, ProxyLog], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, log = proxy
    monkeypatch.setenv("https_proxy", url)
    assert sync_client(https_api, attempts=1, ca_bundle=ca_file).runs.replay("run_1").id == "run_2"
    host = https_api.removeprefix("https://")
    assert [line.rsplit(" ", 1)[0] for line in log.lines] == [f"CONNECT {host}"]
    assert log.forwarded_authorization == [None]  # the key travels inside the tunnel only


def test_all_proxy_is_the_fallback_and_credentials_in_the_url_authenticate(
    api: str, proxy: tuple[str, ProxyLog], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, log = proxy
    monkeypatch.setenv("ALL_PROXY", url.replace("http://", "http://alice:s%40cret@"))
    client = sync_client(api, attempts=1)
    assert client.runs.replay("run_1").id == "run_2"
    assert log.proxy_authorization == ["Basic " + base64.b64encode(b"alice:s@cret").decode()]
    assert "s%40cret" not in repr(client._client._transport) and "s@cret" not in repr(
        client._client._transport
    )


@pytest.mark.parametrize("no_proxy", ["127.0.0.1", "*", "127.0.0.0/8", "localhost,127.0.0.1", " 127.0.0.1 "])
def test_no_proxy_sends_matching_hosts_directly(
    api: str, proxy: tuple[str, ProxyLog], monkeypatch: pytest.MonkeyPatch, no_proxy: str
) -> None:
    url, log = proxy
    monkeypatch.setenv("HTTP_PROXY", url)
    monkeypatch.setenv("NO_PROXY", no_proxy)
    assert sync_client(api, attempts=1).runs.replay("run_1").id == "run_2"
    assert log.lines == []


def test_trust_env_false_and_an_explicit_pool_ignore_the_environment(
    api: str, proxy: tuple[str, ProxyLog], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, log = proxy
    monkeypatch.setenv("HTTP_PROXY", url)
    assert sync_client(api, attempts=1, trust_env=False).runs.replay("run_1").id == "run_2"
    assert sync_client(api, attempts=1, pool_manager=urllib3.PoolManager()).runs.replay("run_1").id == "run_2"
    assert log.lines == []


def test_a_proxy_that_refuses_is_named_in_the_error(api: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    with pytest.raises(
        trigger_dev.ApiConnectionError, match=r"through the proxy http://127\.0\.0\.1:9 from the environment"
    ):
        sync_client(api, attempts=1).runs.replay("run_1")


def test_the_async_client_uses_the_same_rules(
    api: str, https_api: str, ca_file: str, proxy: tuple[str, ProxyLog], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, log = proxy
    monkeypatch.setenv("http_proxy", url)
    monkeypatch.setenv("https_proxy", url.replace("http://", "http://bob:pw@"))

    async def main() -> list[str]:
        async with AsyncTriggerClient(secret_key=SECRET_KEY, base_url=api) as plain:
            first = (await plain.runs.replay("run_1")).id
        async with AsyncTriggerClient(secret_key=SECRET_KEY, base_url=https_api, ca_bundle=ca_file) as tls:
            second = (await tls.runs.replay("run_1")).id
        return [first, second]

    assert asyncio.run(main()) == ["run_2", "run_2"]
    assert [line.rsplit(" ", 1)[0] for line in log.lines] == [
        f"POST {api}/api/v1/runs/run_1/replay",
        f"CONNECT {https_api.removeprefix('https://')}",
    ]
    assert log.proxy_authorization == [None, "Basic " + base64.b64encode(b"bob:pw").decode()]


def test_requests_ca_bundle_is_trusted_like_requests_trusts_it(
    https_api: str, ca_file: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", ca_file)
    assert sync_client(https_api, attempts=1).runs.replay("run_1").id == "run_2"
    with pytest.raises(
        trigger_dev.ApiConnectionError, match="CERTIFICATE_VERIFY_FAILED|certificate verify failed"
    ):
        sync_client(https_api, attempts=1, trust_env=False).runs.replay("run_1")


# --- the rules themselves


def bypassed(no_proxy: str, host: str, port: int = 443) -> bool:
    settings = proxy_settings({"HTTPS_PROXY": "http://proxy:3128", "NO_PROXY": no_proxy})
    return settings.proxy_for("https", host, port) is None


@pytest.mark.parametrize(
    ("no_proxy", "host", "expected"),
    [
        ("example.com", "example.com", True),
        ("example.com", "api.example.com", True),
        ("example.com", "notexample.com", False),
        (".example.com", "api.example.com", True),
        (".example.com", "example.com", True),  # as curl: a leading dot changes nothing
        ("*.example.com", "a.b.example.com", True),
        ("EXAMPLE.COM", "Api.Example.com", True),
        ("*", "anything.anywhere", True),
        ("example.com:8443", "example.com", False),  # only that port
        ("10.0.0.0/8", "10.1.2.3", True),
        ("10.0.0.0/8", "11.1.2.3", False),
        ("::1", "[::1]", True),
        ("192.168.1.5", "192.168.1.5", True),
        ("a.com b.com,,c.com", "b.com", True),
        ("", "example.com", False),
    ],
)
def test_no_proxy_matching(no_proxy: str, host: str, expected: bool) -> None:
    assert bypassed(no_proxy, host) is expected


def test_a_port_specific_entry() -> None:
    assert bypassed("example.com:8443", "example.com", 8443)
    assert NoProxyRule.parse("[::1]:8080") == NoProxyRule(network=ipaddress.ip_network("::1"), port=8080)


def test_which_variable_wins() -> None:
    env = {"https_proxy": "http://lower:1", "HTTPS_PROXY": "http://upper:1", "ALL_PROXY": "socks5://all:1"}
    assert proxy_settings(env).https == "http://lower:1"
    assert proxy_settings({"ALL_PROXY": "proxy:3128"}).http == "http://proxy:3128"  # no scheme: http
    # In a CGI process a client can set HTTP_PROXY through a header: it is ignored there.
    assert proxy_settings({"HTTP_PROXY": "http://evil:1", "REQUEST_METHOD": "GET"}).http is None
    assert proxy_settings({"http_proxy": "http://fine:1", "REQUEST_METHOD": "GET"}).http == "http://fine:1"
    assert proxy_settings({}).http is None


def test_a_socks_proxy_from_the_environment_says_what_to_do(
    api: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ALL_PROXY", "socks5://127.0.0.1:1080")
    with pytest.raises(trigger_dev.ApiConnectionError, match="SOCKSProxyManager"):
        sync_client(api, attempts=1).runs.replay("run_1")


def test_the_ca_bundle_choice(monkeypatch: pytest.MonkeyPatch) -> None:
    from trigger_dev._http import environment as _environment

    assert ca_bundle_for("/given.pem", True, {"REQUESTS_CA_BUNDLE": "/env.pem"}) == "/given.pem"
    assert ca_bundle_for(None, True, {"REQUESTS_CA_BUNDLE": "/env.pem"}) == "/env.pem"
    assert ca_bundle_for(None, True, {"CURL_CA_BUNDLE": "/curl.pem"}) == "/curl.pem"
    monkeypatch.setattr(_environment, "_system_store_is_empty", lambda: False)
    assert ca_bundle_for(None, False, {"REQUESTS_CA_BUNDLE": "/env.pem"}) is None  # the system store
    monkeypatch.setattr(_environment, "_system_store_is_empty", lambda: True)
    import certifi

    assert ca_bundle_for(None, True, {}) == certifi.where()  # no system store: certifi, as requests

# Copied by codegen.py from templates/runtime/_http/environment.py (sha256 cc2c236fabac4a82); edit that file, not this one.
"""What the process environment says about the network: proxies and the CA bundle.

Read once per client, as requests and httpx read them with their ``trust_env`` (on by
default; ``trust_env=False`` turns it off):

- ``HTTPS_PROXY``, ``HTTP_PROXY``, ``ALL_PROXY`` and ``NO_PROXY``, lower case before upper
  case. ``HTTP_PROXY`` in upper case is ignored when ``REQUEST_METHOD`` is set (a CGI
  process, where a client could set it through a ``Proxy:`` header), as urllib does.
- ``NO_PROXY`` as curl and requests read it: comma-separated host names, each matching the
  host and its subdomains (a leading ``.`` or ``*.`` changes nothing), ``host:port`` for one
  port only, IP addresses and CIDR ranges for IP hosts, and ``*`` for every host.
- ``REQUESTS_CA_BUNDLE``, then ``CURL_CA_BUNDLE``: a CA bundle file to verify servers with.
  (``SSL_CERT_FILE`` and ``SSL_CERT_DIR`` are read by OpenSSL itself when it loads the
  system store.)
"""

from __future__ import annotations

import functools
import ipaddress
import os
import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

__all__ = ["NoProxyRule", "ProxySettings", "ca_bundle_for", "proxy_settings"]


@dataclass(frozen=True, slots=True)
class NoProxyRule:
    """One ``NO_PROXY`` entry: every host, a host and its subdomains, or an IP range."""

    host: str = ""
    port: int | None = None
    network: ipaddress.IPv4Network | ipaddress.IPv6Network | None = None
    everything: bool = False

    @classmethod
    def parse(cls, entry: str) -> NoProxyRule | None:
        entry = entry.strip().lower()
        if not entry:
            return None
        if entry == "*":
            return cls(everything=True)
        try:
            return cls(network=ipaddress.ip_network(entry.strip("[]"), strict=False))
        except ValueError:
            pass
        port: int | None = None
        host, colon, rest = entry.rpartition(":")
        if colon and rest.isdigit() and "]" not in rest:
            entry, port = host, int(rest)
        try:
            return cls(network=ipaddress.ip_network(entry.strip("[]"), strict=False), port=port)
        except ValueError:
            pass
        return cls(host=entry.removeprefix("*").lstrip("."), port=port)

    def matches(self, host: str, port: int) -> bool:
        if self.everything:
            return True
        if self.port is not None and self.port != port:
            return False
        if self.network is not None:
            try:
                return ipaddress.ip_address(host) in self.network
            except ValueError:
                return False
        return bool(self.host) and (host == self.host or host.endswith("." + self.host))


@dataclass(frozen=True)
class ProxySettings:
    """The proxy for each URL scheme, and the hosts reached without one."""

    http: str | None = None
    https: str | None = None
    no_proxy: tuple[NoProxyRule, ...] = ()
    _decisions: dict[tuple[str, str, int], str | None] = field(
        default_factory=dict, repr=False, compare=False
    )

    def proxy_for(self, scheme: str, host: str, port: int) -> str | None:
        """The proxy URL to send a request through, or None to connect directly."""
        key = (scheme, host, port)
        if key not in self._decisions:  # a client talks to one or two hosts: decide once each
            proxy = self.https if scheme == "https" else self.http
            host = host.strip("[]").lower()
            if proxy and any(rule.matches(host, port) for rule in self.no_proxy):
                proxy = None
            self._decisions[key] = proxy
        return self._decisions[key]

    def __repr__(self) -> str:
        # A proxy URL can hold a password.
        shown = {
            name: _without_password(url) for name, url in (("http", self.http), ("https", self.https)) if url
        }
        return f"ProxySettings({shown}, no_proxy={len(self.no_proxy)} rules)"


def proxy_settings(environ: Mapping[str, str] | None = None) -> ProxySettings:
    """The proxies the environment asks for (none when it names none)."""
    env = os.environ if environ is None else environ
    every = _variable(env, "all_proxy")
    http = None if "REQUEST_METHOD" in env and "http_proxy" not in env else _variable(env, "http_proxy")
    rules = tuple(
        rule
        for entry in (_variable(env, "no_proxy") or "").replace(" ", ",").split(",")
        if (rule := NoProxyRule.parse(entry)) is not None
    )
    return ProxySettings(
        http=_with_scheme(http or every),
        https=_with_scheme(_variable(env, "https_proxy") or every),
        no_proxy=rules,
    )


def proxy_credentials(proxy_url: str) -> tuple[str, str | None]:
    """The proxy URL without its user information, and ``user:password`` from it, if any."""
    parts = urlsplit(proxy_url)
    if parts.username is None:
        return proxy_url, None
    netloc = parts.hostname or ""
    if ":" in netloc:
        netloc = f"[{netloc}]"
    if parts.port:
        netloc = f"{netloc}:{parts.port}"
    plain = parts._replace(netloc=netloc).geturl()
    return plain, f"{unquote(parts.username)}:{unquote(parts.password or '')}"


def ca_bundle_for(
    explicit: str | None, trust_env: bool, environ: Mapping[str, str] | None = None
) -> str | None:
    """The CA bundle file to verify servers with, or None for the system store.

    In order: the ``ca_bundle`` argument; with ``trust_env``, ``REQUESTS_CA_BUNDLE`` or
    ``CURL_CA_BUNDLE``; the system store when it holds any certificate authority; else
    certifi's bundle (where requests and httpx get theirs), so verification works on
    machines without a system store too.
    """
    if explicit:
        return explicit
    env = os.environ if environ is None else environ
    if trust_env:
        for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
            if env.get(name):
                return env[name]
    if _system_store_is_empty():
        import certifi

        return str(certifi.where())
    return None


@functools.lru_cache(maxsize=1)
def _system_store_is_empty() -> bool:
    return ssl.create_default_context().cert_store_stats()["x509_ca"] == 0


def _variable(env: Mapping[str, str], name: str) -> str | None:
    value = env.get(name) or env.get(name.upper())
    return value.strip() if value and value.strip() else None


def _with_scheme(url: str | None) -> str | None:
    if url is None:
        return None
    return url if "://" in url else f"http://{url}"


def _without_password(url: str) -> str:
    plain, credentials = proxy_credentials(url)
    if credentials is None:
        return plain
    user = credentials.split(":", 1)[0]
    scheme, rest = plain.split("://", 1)
    return f"{scheme}://{user}:***@{rest}"

# Copied by codegen.py from templates/runtime/_http/transport.py (sha256 311175e439b73e46); edit that file, not this one.
"""One HTTP attempt over urllib3, with transport failures turned into client errors.

Connections never cross a fork: a child process (gunicorn and Celery workers,
multiprocessing) starts with pools of its own, or parent and child would read each other's
answers off shared sockets. Proxies and the CA bundle come from the environment unless the
caller passes a pool of their own (see `environment`).
"""

from __future__ import annotations

import os
import weakref
from collections.abc import Iterator
from typing import Any

import urllib3
from urllib3.exceptions import ConnectTimeoutError, DecodeError, NewConnectionError, ProxyError
from urllib3.exceptions import HTTPError as Urllib3Error
from urllib3.exceptions import TimeoutError as Urllib3TimeoutError

from .._exceptions import ApiConnectionError, ApiError, ApiSchemaValidationError
from .environment import ProxySettings, ca_bundle_for, proxy_credentials, proxy_settings
from .failures import broken, connect_timeout, no_answer, no_connection, no_data, undecodable
from .messages import Outgoing, Received

__all__ = ["POOL_SIZE", "OpenResponse", "Transport", "after_fork", "default_pool_manager"]


POOL_SIZE = 32
"""Connections kept open per host: enough for a busy thread pool sharing one client."""


def default_pool_manager(ca_bundle: str | None = None) -> urllib3.PoolManager:
    """A pool that verifies TLS certificates, against ``ca_bundle`` when one is given."""
    return urllib3.PoolManager(
        num_pools=4,
        maxsize=POOL_SIZE,
        cert_reqs="CERT_REQUIRED",
        ca_certs=ca_bundle,
    )


class _Pools:
    """The direct pool, and one per proxy the environment names, made on first use."""

    def __init__(self, ca_bundle: str | None, proxies: ProxySettings) -> None:
        self._ca_bundle = ca_bundle
        self._proxies = proxies
        self._direct = default_pool_manager(ca_bundle)
        self._proxied: dict[str, urllib3.ProxyManager] = {}

    def for_url(self, url: str) -> urllib3.PoolManager:
        if not (self._proxies.http or self._proxies.https):
            return self._direct
        parsed = urllib3.util.parse_url(url)
        scheme = parsed.scheme or "http"
        port = parsed.port or (443 if scheme == "https" else 80)
        proxy = self._proxies.proxy_for(scheme, parsed.host or "", port)
        if proxy is None:
            return self._direct
        manager = self._proxied.get(proxy)
        if manager is None:
            manager = self._proxied[proxy] = _proxy_manager(proxy, self._ca_bundle)
        return manager

    def clear(self) -> None:
        self._direct.clear()
        for manager in self._proxied.values():
            manager.clear()


def _proxy_manager(proxy: str, ca_bundle: str | None) -> urllib3.ProxyManager:
    plain, credentials = proxy_credentials(proxy)
    headers = urllib3.make_headers(proxy_basic_auth=credentials) if credentials else None
    if not plain.startswith(("http://", "https://")):
        raise ApiConnectionError(
            f"the proxy {plain.split('://', 1)[0]}://... from the environment is not an http:// or https:// proxy; "
            "pass pool_manager=urllib3.contrib.socks.SOCKSProxyManager(...) for SOCKS, or trust_env=False"
        )
    return urllib3.ProxyManager(
        plain,
        num_pools=4,
        maxsize=POOL_SIZE,
        cert_reqs="CERT_REQUIRED",
        ca_certs=ca_bundle,
        proxy_headers=headers,
    )


class Transport:
    """Sends through the caller's pool manager, or through pools of its own."""

    def __init__(self, pool: urllib3.PoolManager | None, *, ca_bundle: str | None, trust_env: bool) -> None:
        self._given = pool
        self._ca_bundle = ca_bundle_for(ca_bundle, trust_env)
        self._proxies = proxy_settings() if trust_env and pool is None else ProxySettings()
        self._pools = _Pools(self._ca_bundle, self._proxies)
        _live.add(self)

    def send(self, outgoing: Outgoing) -> Received:
        response = self._start(outgoing)
        return self._read(outgoing, response, outgoing.options.timeout)

    def open(self, outgoing: Outgoing) -> OpenResponse:
        """Send the request and return as soon as the headers arrive, the body unread (a
        stream of server-sent events)."""
        return OpenResponse(self._start(outgoing), outgoing.options.timeout)

    def _start(self, outgoing: Outgoing) -> urllib3.BaseHTTPResponse:
        connect = outgoing.options.connect_timeout
        read = outgoing.options.timeout
        pool = self._given if self._given is not None else self._pools.for_url(outgoing.url)
        # The error is raised after the `except` blocks, so it carries no chained urllib3
        # exception: that one's frames hold the request headers, credential included, for
        # any error reporter that records frame locals.
        failure: ApiError | None = None
        try:
            response = pool.request(
                outgoing.method,
                outgoing.url,
                body=outgoing.body,
                headers=outgoing.headers,
                # Retries are ours (they know the API's rules); redirects are refused so a
                # credential is never replayed to another address.
                retries=False,
                redirect=False,
                timeout=urllib3.Timeout(connect=connect, read=read),
                preload_content=False,
                decode_content=True,
            )
        except NewConnectionError as exc:  # refused, unreachable, DNS: a subclass of the timeout below
            failure = no_connection(_reason(exc), self._via(outgoing.url))
        except ConnectTimeoutError:
            failure = connect_timeout(connect, self._via(outgoing.url))
        except Urllib3TimeoutError:
            failure = no_answer(read)
        except ProxyError as exc:
            failure = broken(_reason(exc), self._via(outgoing.url))
        except Urllib3Error as exc:
            failure = broken(_reason(exc))
        if failure is not None:
            raise failure
        return response

    def _read(self, outgoing: Outgoing, response: urllib3.BaseHTTPResponse, read: float) -> Received:
        failure: ApiError | None = None
        content = b""
        try:
            content = response.read()
        except DecodeError as exc:
            failure = undecodable(outgoing.name, response.status, response.headers, _reason(exc))
        except Urllib3TimeoutError:
            failure = no_answer(read)
        except Urllib3Error as exc:
            failure = broken(_reason(exc))
        finally:
            if failure is not None:
                response.close()  # part of the body may be unread: never reuse this connection
            response.release_conn()
        if failure is not None:
            if isinstance(failure, ApiSchemaValidationError) and not 200 <= response.status < 300:
                return Received(response.status, response.headers, b"")  # the status decides
            raise failure
        return Received(response.status, response.headers, content)

    def _via(self, url: str) -> str:
        if self._given is not None:
            return ""
        parsed = urllib3.util.parse_url(url)
        scheme = parsed.scheme or "http"
        proxy = self._proxies.proxy_for(
            scheme, parsed.host or "", parsed.port or (443 if scheme == "https" else 80)
        )
        if proxy is None:
            return ""
        return f" (through the proxy {proxy_credentials(proxy)[0]} from the environment; trust_env=False ignores it)"

    def after_fork(self) -> None:
        """In a child process: never touch the parent's connections again."""
        if self._given is not None:
            # The caller's pool: drop its connections in this process only (closing a
            # socket here leaves the parent's copy open).
            self._given.clear()
        else:
            self._pools = _Pools(self._ca_bundle, self._proxies)

    def close(self) -> None:
        if self._given is not None:
            self._given.clear()
        else:
            self._pools.clear()

    def __repr__(self) -> str:
        return f"<Transport {'pool_manager given' if self._given is not None else repr(self._proxies)}>"


class OpenResponse:
    """A response whose body is read as it arrives. `close` drops the connection (a body read
    only in part cannot be reused)."""

    def __init__(self, response: urllib3.BaseHTTPResponse, read_timeout: float) -> None:
        self._response = response
        self._read_timeout = read_timeout
        self.status = response.status
        self.headers: Any = response.headers

    def chunks(self, size: int = 65536) -> Iterator[bytes]:
        """The body in pieces as they arrive; ends when the server ends it."""
        while data := self._next_chunk(size):
            yield data

    def _next_chunk(self, size: int) -> bytes:
        """What arrived next (empty at the end); a failure closes the connection."""
        failure: ApiError
        try:
            return self._response.read1(size)
        except Urllib3TimeoutError:
            failure = no_data(self._read_timeout)
        except (Urllib3Error, OSError) as exc:
            failure = broken(_reason(exc))
        self.close()
        raise failure

    def read_all(self) -> bytes:
        """The whole body (an error's), or what arrived of it."""
        try:
            return self._response.read()
        except (Urllib3Error, OSError):
            return b""
        finally:
            self.close()

    def close(self) -> None:
        self._response.close()
        self._response.release_conn()


def _reason(exc: Exception) -> str:
    # urllib3 wraps the socket error; its innermost reason is the readable part.
    reason: object = exc
    for _ in range(5):
        inner = getattr(reason, "reason", None)
        if inner is None or inner is reason:
            break
        reason = inner
    return f"{type(reason).__name__}: {reason}" if str(reason) else type(reason).__name__


# Every transport alive in this process, sync and async, to reset after a fork. Measured:
# a hook that runs once per fork costs calls nothing, where checking os.getpid() on each
# call costs about 0.15 µs.
_live: weakref.WeakSet[Transport] = weakref.WeakSet()
_live_async: weakref.WeakSet[Any] = weakref.WeakSet()


def after_fork() -> None:
    for transport in list(_live):
        transport.after_fork()
    for transport in list(_live_async):
        transport.after_fork()


if hasattr(os, "register_at_fork"):  # not on Windows, which has no fork
    os.register_at_fork(after_in_child=after_fork)

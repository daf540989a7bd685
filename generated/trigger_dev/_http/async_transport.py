# Copied by codegen.py from templates/runtime/_http/async_transport.py (sha256 85858ade557ba6fd); edit that file, not this one.
"""One HTTP attempt over aiohttp, for `AsyncTriggerClient`, with transport failures turned into
the same client errors as the urllib3 transport's. Imported only by the async client.

As with the sync transport: proxies and the CA bundle come from the environment (the same
rules, applied by this module rather than by aiohttp's own ``trust_env``), and a session
never crosses a fork.
"""

from __future__ import annotations

import asyncio
import base64
import ssl
import weakref
import zlib
from collections.abc import AsyncIterator
from typing import Any

from .._exceptions import ApiError
from .._wire.credentials import SecretHeaders
from .environment import ProxySettings, ca_bundle_for, proxy_credentials, proxy_settings
from .failures import broken, connect_timeout, no_answer, no_connection, no_data, undecodable
from .messages import Outgoing, Received
from .transport import POOL_SIZE, _live_async

try:
    import aiohttp
    from yarl import URL  # installed with aiohttp
except ImportError as missing:
    raise ImportError(
        "AsyncTriggerClient needs aiohttp, an optional dependency: pip install 'trigger-dev[async]'"
    ) from missing

__all__ = ["AsyncOpenResponse", "AsyncTransport"]


class AsyncTransport:
    """Sends through an aiohttp session: the caller's, or one made (inside the running loop,
    as aiohttp requires) on first use."""

    def __init__(
        self, session: aiohttp.ClientSession | None, *, ca_bundle: str | None, trust_env: bool
    ) -> None:
        self._session = session
        self._owns_session = session is None
        self._ca_bundle = ca_bundle_for(ca_bundle, trust_env)
        self._proxies = proxy_settings() if trust_env and session is None else ProxySettings()
        self._loop: asyncio.AbstractEventLoop | None = None
        # Every session made here, with its loop, until its loop is closed and it is retired.
        # Shared with a finalizer, which runs before aiohttp's own (even in a reference cycle),
        # so a client dropped without being closed leaves no "unclosed session" error behind.
        self._made: list[tuple[aiohttp.ClientSession, asyncio.AbstractEventLoop]] = []
        weakref.finalize(self, _close_when_collected, self._made)
        # Sessions of a parent process, kept (never used, never closed) after a fork: closing
        # them here would only log warnings about a loop that is not this process's.
        self._left_behind: list[Any] = []
        _live_async.add(self)

    def _session_for_this_loop(self) -> aiohttp.ClientSession:
        loop = asyncio.get_running_loop()
        if self._owns_session and (self._session is None or loop is not self._loop):
            # A session belongs to the loop it was made in; a client used from a new loop
            # (asyncio.run per job, say) gets a new one. The old loop's connections went with it.
            _retire_closed(self._made)
            context = ssl.create_default_context(cafile=self._ca_bundle)
            connector = aiohttp.TCPConnector(limit=0, limit_per_host=POOL_SIZE, ssl=context)
            self._session = aiohttp.ClientSession(connector=connector, trust_env=False)
            self._loop = loop
            self._made.append((self._session, loop))
        assert self._session is not None
        return self._session

    async def send(self, outgoing: Outgoing) -> Received:
        return await (await self.open(outgoing)).received(outgoing.name)

    async def open(self, outgoing: Outgoing) -> AsyncOpenResponse:
        """Send the request and return as soon as the headers arrive, the body unread."""
        connect = outgoing.options.connect_timeout
        read = outgoing.options.timeout
        timeout = aiohttp.ClientTimeout(total=None, sock_connect=connect, sock_read=read)
        session = self._session_for_this_loop()
        proxy, proxy_headers = self._proxy_for(outgoing.url)
        # Raised after the `except` blocks: a chained aiohttp error would carry the request
        # headers, credential included, into error reporters that record frame locals.
        failure: ApiError | None = None
        try:
            response = await session.request(
                outgoing.method,
                outgoing.url,
                data=outgoing.body,
                headers=outgoing.headers,
                timeout=timeout,
                allow_redirects=False,  # a credential is never replayed to another address
                proxy=proxy,
                proxy_headers=proxy_headers,
            )
            return AsyncOpenResponse(response, read)
        except aiohttp.ConnectionTimeoutError:
            failure = connect_timeout(connect, self._via(proxy))
        except (asyncio.TimeoutError, aiohttp.ServerTimeoutError):
            failure = no_answer(read)
        except aiohttp.ClientConnectorError as exc:  # refused, unreachable, DNS: nothing was sent
            failure = no_connection(_reason(exc), self._via(proxy))
        except aiohttp.ClientError as exc:
            failure = broken(_reason(exc), self._via(proxy))
        assert failure is not None
        raise failure

    def _proxy_for(self, url: str) -> tuple[str | None, SecretHeaders | None]:
        if not (self._proxies.http or self._proxies.https):
            return None, None
        parsed = URL(url)
        proxy = self._proxies.proxy_for(parsed.scheme, parsed.host or "", parsed.port or 0)
        if proxy is None:
            return None, None
        plain, credentials = proxy_credentials(proxy)
        if credentials is None:
            return plain, None
        token = base64.b64encode(credentials.encode("latin-1")).decode("ascii")
        return plain, SecretHeaders({"Proxy-Authorization": f"Basic {token}"})

    @staticmethod
    def _via(proxy: str | None) -> str:
        if proxy is None:
            return ""
        return f" (through the proxy {proxy} from the environment; trust_env=False ignores it)"

    def after_fork(self) -> None:
        """In a child process: make a new session on first use, never the parent's."""
        if self._owns_session:
            self._left_behind.extend(self._made)
            self._made.clear()
            self._session = None
            self._loop = None

    async def close(self) -> None:
        if self._session is not None and self._owns_session:
            await self._session.close()

    def __repr__(self) -> str:
        return f"<AsyncTransport {'session given' if not self._owns_session else repr(self._proxies)}>"


def _retire_closed(made: list[tuple[aiohttp.ClientSession, asyncio.AbstractEventLoop]]) -> None:
    """Mark closed, and forget, the sessions whose event loop has been closed (``asyncio.run``
    has returned): their connections cannot be used again, and aiohttp would log each as an
    unclosed session, an error, when it is collected. Sessions of a live loop are kept."""
    for session, loop in list(made):
        if not loop.is_closed():
            continue
        made.remove((session, loop))
        # With its loop closed the connector has nothing to wait for: the close completes at
        # its first step, without a loop.
        closing = session.close()
        try:
            closing.send(None)
        except StopIteration:
            continue
        closing.close()


_closing: set[asyncio.Task[None]] = set()  # closes under way: the loop holds tasks weakly


def _close_when_collected(made: list[tuple[aiohttp.ClientSession, asyncio.AbstractEventLoop]]) -> None:
    """The client went without `close()`: retire the sessions of closed loops, and close the
    one of the loop running here (inside a request handler that made a client of its own,
    say). A session of a loop running in another thread is left to be reported by aiohttp."""
    _retire_closed(made)
    try:
        running = asyncio.get_running_loop()
    except RuntimeError:
        return
    for session, loop in made:
        if loop is running and not session.closed:
            task = running.create_task(session.close())
            _closing.add(task)
            task.add_done_callback(_closing.discard)


def _reason(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"


def _cut_short(exc: BaseException) -> bool:
    from aiohttp.http_exceptions import ContentLengthError, TransferEncodingError

    cause = exc.__cause__ or exc.__context__
    return isinstance(cause, (ContentLengthError, TransferEncodingError)) or "not completed" in str(exc)


class AsyncOpenResponse:
    """`OpenResponse` for aiohttp: the body read as it arrives."""

    def __init__(self, response: aiohttp.ClientResponse, read_timeout: float) -> None:
        self._response = response
        self._read_timeout = read_timeout
        self.status = response.status
        self.headers: Any = response.headers

    async def received(self, name: str) -> Received:
        """The whole body, read now."""
        response = self._response
        failure: ApiError | None = None
        try:
            return Received(response.status, response.headers, await response.read())
        except (aiohttp.ClientPayloadError, zlib.error) as exc:
            if _cut_short(exc):
                # The connection ended before the body did: a network failure, retried like
                # one (as urllib3 reports it), not a body to decode.
                failure = broken(f"the answer was cut short: {exc}")
            elif not 200 <= response.status < 300:
                return Received(response.status, response.headers, b"")  # the status decides
            else:
                failure = undecodable(name, response.status, response.headers, _reason(exc))
        except (asyncio.TimeoutError, aiohttp.ServerTimeoutError):
            failure = no_answer(self._read_timeout)
        except aiohttp.ClientError as exc:
            failure = broken(_reason(exc))
        finally:
            if failure is not None:
                response.close()  # part of the body may be unread: never reuse this connection
            else:
                response.release()
        raise failure

    async def chunks(self) -> AsyncIterator[bytes]:
        """The body in pieces as they arrive; ends when the server ends it."""
        while data := await self._next_chunk():
            yield data

    async def _next_chunk(self) -> bytes:
        """What arrived next (empty at the end); a failure closes the connection."""
        failure: ApiError
        try:
            return await self._response.content.readany()
        except (asyncio.TimeoutError, aiohttp.ServerTimeoutError):
            failure = no_data(self._read_timeout)
        except (aiohttp.ClientError, zlib.error) as exc:
            failure = broken(_reason(exc))
        self.close()
        raise failure

    async def read_all(self) -> bytes:
        try:
            return await self._response.read()
        except (aiohttp.ClientError, asyncio.TimeoutError, zlib.error):
            return b""
        finally:
            self.close()

    def close(self) -> None:
        self._response.close()

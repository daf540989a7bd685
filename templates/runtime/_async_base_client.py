# Runtime source of trigger_dev: codegen.py copies it into generated/trigger_dev/ unchanged.
"""The asyncio client core: the same requests, retry decisions and errors as
`SyncAPIClient`, with the I/O awaited. Waiting between retries never blocks the loop."""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from ._base_client import _OPENTELEMETRY, BaseAPIClient
from ._exceptions import ApiConnectionError
from ._http.messages import Outgoing, Received
from ._http.options import RequestOptions, ResolvedOptions
from ._http.raw_response import RawResponse
from ._http.steps import Request, Send, Steps
from ._http.transport import POOL_SIZE
from ._pagination import AsyncCursorPage, AsyncOffsetPage, AsyncPage
from ._payloads.packets import (
    large_payloads,
)
from ._payloads.transfers import decoded_packets, download_steps, offload_steps, stored_packet_steps
from ._wire.credentials import Credential
from ._wire.operation import Operation

if TYPE_CHECKING:
    import aiohttp

    from ._http.async_transport import AsyncOpenResponse

__all__ = ["AsyncAPIClient"]

T = TypeVar("T")


class AsyncAPIClient(BaseAPIClient):
    def __init__(
        self,
        *,
        credential: Credential | None,
        base_url: str,
        options: ResolvedOptions,
        session: aiohttp.ClientSession | None,
        ca_bundle: str | None,
        trust_env: bool = True,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        super().__init__(credential=credential, base_url=base_url, options=options)
        from ._http.async_transport import AsyncTransport

        self._transport = AsyncTransport(session, ca_bundle=ca_bundle, trust_env=trust_env)
        self._sleep = sleep
        # One slot per pooled connection, per event loop: a call takes a slot before it
        # checks for a pause a 429 asked for, so calls queued behind busy connections see
        # the pause too instead of going out the moment a connection frees up.
        self._slots: dict[int, tuple[asyncio.AbstractEventLoop, asyncio.Semaphore]] = {}

    async def request(
        self,
        operation: Operation[T],
        args: Mapping[str, Any],
        request_options: RequestOptions | None = None,
    ) -> RawResponse[T]:
        """Send one SDK call (retrying as configured) and return its raw response."""
        call = self._prepare(operation, args, request_options)
        payloads = large_payloads(call.request)
        if payloads:
            await _bounded_gather([self.run(offload_steps(call, payload)) for payload in payloads])
        received = await self._send(self._outgoing(call))
        document, pending = self._completed(call, received)
        if pending:
            values = await asyncio.gather(
                *(self.run(download_steps(call, document, data, url)) for data, url in pending)
            )
            for (data_field, _), value in zip(pending, values, strict=True):
                document[data_field] = value
        if operation.packets and 200 <= received.status < 300:
            document, stored = decoded_packets(call, received, document)
            for data_field, path in stored:
                document[data_field] = await self.read_stored_packet(
                    operation.name,
                    path,
                    data_field=data_field,
                    run_id=document.get("id"),
                    request_options=request_options,
                )
        return self._raw_response(
            operation, received, self._parser(operation, args, request_options), document
        )

    async def open_stream(
        self, operation: Operation[Any], args: Mapping[str, Any], request_options: RequestOptions | None
    ) -> AsyncOpenResponse:
        """See `SyncAPIClient.open_stream`."""
        outgoing = self._outgoing(self._prepare(operation, args, request_options))
        if _OPENTELEMETRY in sys.modules:
            outgoing = self._traced(outgoing) or outgoing
        started = time.monotonic()
        try:
            response = await self._transport.open(outgoing)
            error_body = b"" if 200 <= response.status < 300 else await response.read_all()
            self._opened(outgoing, Received(response.status, response.headers, error_body), started)
        except BaseException as error:
            self._trace_failed(outgoing, error)
            raise
        return response

    async def pause(self, seconds: float) -> None:
        """Wait between two calls of one operation (polling, reconnecting)."""
        await self._sleep(seconds)

    async def run(self, steps: Steps[T]) -> T:
        """See `SyncAPIClient.run`."""
        answer: Any = None
        failure: Exception | None = None
        while True:
            try:
                step = steps.throw(failure) if failure is not None else steps.send(answer)
            except StopIteration as done:
                return done.value  # type: ignore[no-any-return]
            answer, failure = None, None
            try:
                if isinstance(step, Send):
                    answer = await self._send(step.outgoing)
                elif isinstance(step, Request):
                    answer = await self.request(step.operation, step.args, step.request_options)
                else:
                    await self.pause(step.seconds)
            except (StopIteration, StopAsyncIteration):
                raise  # a generator cannot take these (PEP 479): they end the caller's loop, as before
            except Exception as error:  # handed to the core, which decides
                failure = error

    async def read_stored_packet(
        self, name: str, path: str, *, data_field: str, run_id: str, request_options: RequestOptions | None
    ) -> Any:
        """See `SyncAPIClient.read_stored_packet`."""
        options = self.options.merged(request_options)
        return await self.run(
            stored_packet_steps(
                name, path, options, data_field=data_field, run_id=run_id, request_options=request_options
            )
        )

    async def _send(self, outgoing: Outgoing) -> Received:
        """Send one request until it succeeds or the retry policy gives up (then raises)."""
        traced = self._traced(outgoing) if _OPENTELEMETRY in sys.modules else None
        if traced is not None:
            try:
                return await self._send(traced)
            except BaseException as error:
                self._trace_failed(traced, error)
                raise
        attempt = 1
        while True:
            async with self._slot():
                held = self._held_back(outgoing) if attempt == 1 else 0.0  # a retry has waited already
                if held:
                    await self._sleep(held)
                started = time.monotonic()
                try:
                    received = await self._transport.send(outgoing)
                except ApiConnectionError as error:
                    wait = self._wait_after_failure(outgoing, attempt, error)
                else:
                    response_wait = self._wait_after_response(outgoing, attempt, received, started)
                    if response_wait is None:
                        return received
                    wait = response_wait
            await self._sleep(wait)  # a call waiting to retry holds no slot
            attempt += 1

    def _slot(self) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        known = self._slots.get(id(loop))
        if known is None or known[0] is not loop:
            self._slots = {key: value for key, value in self._slots.items() if not value[0].is_closed()}
            known = self._slots[id(loop)] = (loop, asyncio.Semaphore(POOL_SIZE))
        return known[1]

    def _parser(
        self, operation: Operation[T], args: Mapping[str, Any], request_options: RequestOptions | None
    ) -> Callable[[Any], T]:
        if operation.pagination is None:
            return operation.parse
        page_class: type[AsyncPage[Any]] = (
            AsyncCursorPage if operation.pagination == "cursor" else AsyncOffsetPage
        )

        async def fetch(page_args: Mapping[str, Any]) -> Any:
            return (await self.request(operation, page_args, request_options)).parse()

        def parse(body: Any) -> Any:
            return page_class(operation.parse(body), args=args, fetch=fetch)

        return parse

    async def close(self) -> None:
        self.closed = True
        await self._transport.close()


UPLOADS_IN_FLIGHT = 4
"""Large payloads of one batch uploaded at once."""


async def _bounded_gather(jobs: list[Awaitable[None]]) -> None:
    limit = asyncio.Semaphore(UPLOADS_IN_FLIGHT)

    async def run(job: Awaitable[None]) -> None:
        async with limit:
            await job

    await asyncio.gather(*(run(job) for job in jobs))

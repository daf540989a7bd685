# Copied by codegen.py from templates/runtime/_async_base_client.py (sha256 4317595bc5f5d9e2); edit that file, not this one.
"""The asyncio client: the call pipeline of `_base_client` (the same requests, retry
decisions and errors as `SyncAPIClient`), its I/O awaited. Waiting between retries never
blocks the loop; transfers of one call run concurrently."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from ._base_client import Attempts, BaseAPIClient, Transfers
from ._exceptions import ApiConnectionError
from ._http.messages import Outgoing, Received
from ._http.options import RequestOptions
from ._http.raw_response import RawResponse
from ._http.steps import Request, Send, Step, Stepper, Steps
from ._http.transport import POOL_SIZE
from ._pagination import AsyncCursorPage, AsyncOffsetPage
from ._wire.operation import Operation

if TYPE_CHECKING:
    import aiohttp

    from ._http.async_transport import AsyncOpenResponse

__all__ = ["AsyncAPIClient"]

T = TypeVar("T")


class AsyncAPIClient(BaseAPIClient):
    def _set_up(
        self, connections: aiohttp.ClientSession | None, *, ca_bundle: str | None, trust_env: bool
    ) -> None:
        from ._http.async_transport import AsyncTransport

        self._transport = AsyncTransport(connections, ca_bundle=ca_bundle, trust_env=trust_env)
        self._sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
        # One slot per pooled connection, per event loop: a call takes a slot before it
        # checks for a pause a 429 asked for, so calls queued behind busy connections see
        # the pause too instead of going out the moment a connection frees up.
        self._slots: dict[int, tuple[asyncio.AbstractEventLoop, asyncio.Semaphore]] = {}

    async def request(
        self, operation: Operation[T], args: Mapping[str, Any], request_options: RequestOptions | None = None
    ) -> RawResponse[T]:
        """See `SyncAPIClient.request`."""
        call = self._prepare(operation, args, request_options)
        if uploads := self._uploads(call):
            await self._transfer(uploads)
        answer = self._answer(call, await self._send(self._outgoing(call)))
        while isinstance(answer, Transfers):
            answer = await self._transfer(answer)
        return answer

    async def _transfer(self, transfers: Transfers) -> Any:
        """Carry out the transfers, at most ``transfers.at_once`` of them together."""
        cores, at_once = transfers.cores, transfers.at_once
        if at_once == 1:
            return transfers.done([await self.run(core) for core in cores])
        if at_once is None:
            return transfers.done(list(await asyncio.gather(*(self.run(core) for core in cores))))
        limit = asyncio.Semaphore(at_once)

        async def bounded(core: Steps[Any]) -> Any:
            async with limit:
                return await self.run(core)

        return transfers.done(list(await asyncio.gather(*(bounded(core) for core in cores))))

    async def open_stream(
        self, operation: Operation[Any], args: Mapping[str, Any], request_options: RequestOptions | None
    ) -> AsyncOpenResponse:
        """See `SyncAPIClient.open_stream`."""
        outgoing, started = self._stream_outgoing(operation, args, request_options)
        response = await self._transport.open(outgoing)
        error_body = b"" if 200 <= response.status < 300 else await response.read_all()
        self._opened(outgoing, response, error_body, started)
        return response

    async def pause(self, seconds: float) -> None:
        """Wait between two calls of one operation (polling, reconnecting)."""
        await self._sleep(seconds)

    async def run(self, steps: Steps[T]) -> T:
        """See `SyncAPIClient.run`."""
        core = Stepper(steps)
        while core.advance():
            try:
                core.answer = await self._carry_out(core.step)
            except Exception as error:  # handed to the core, which decides
                core.failed(error)
        return core.result  # type: ignore[no-any-return]

    async def _carry_out(self, step: Step) -> Any:
        if isinstance(step, Send):
            return await self._send(step.outgoing)
        if isinstance(step, Request):
            return await self.request(step.operation, step.args, step.request_options)
        return await self.pause(step.seconds)

    async def read_stored_packet(
        self, name: str, path: str, *, data_field: str, run_id: str, request_options: RequestOptions | None
    ) -> Any:
        """See `SyncAPIClient.read_stored_packet`."""
        return await self.run(
            self._stored_packet_steps(
                name, path, data_field=data_field, run_id=run_id, request_options=request_options
            )
        )

    async def _send(self, outgoing: Outgoing) -> Received:
        """See `SyncAPIClient._send`; here each attempt holds one of the loop's connection
        slots, and a call waiting to retry holds none."""
        attempts = Attempts(self, outgoing)
        while True:
            async with self._slot():
                held = attempts.held_back()
                if held:
                    await self._sleep(held)
                try:
                    wait = attempts.answered(await self._transport.send(attempts.start()))
                except ApiConnectionError as error:
                    wait = attempts.failed(error)
            if wait is None:
                return attempts.received
            await self._sleep(wait)

    def _slot(self) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        known = self._slots.get(id(loop))
        if known is None or known[0] is not loop:
            self._slots = {key: value for key, value in self._slots.items() if not value[0].is_closed()}
            known = self._slots[id(loop)] = (loop, asyncio.Semaphore(POOL_SIZE))
        return known[1]

    _pages = (AsyncCursorPage, AsyncOffsetPage)

    def _page_fetcher(
        self, operation: Operation[Any], request_options: RequestOptions | None
    ) -> Callable[[Mapping[str, Any]], Any]:
        async def fetch(page_args: Mapping[str, Any]) -> Any:
            return (await self.request(operation, page_args, request_options)).parse()

        return fetch

    async def close(self) -> None:
        self.closed = True
        await self._transport.close()

# Copied by codegen.py from templates/runtime/_realtime/closing.py (sha256 3f5f623a3ec9161c); edit that file, not this one.
"""``with`` and ``async with`` for the readers of streams, subscriptions and chat turns:
leaving the block closes the reader (its `close`, or `aclose`), however the block ended."""

from __future__ import annotations

from types import TracebackType
from typing import TypeVar

__all__ = ["AsyncClosing", "Closing"]

ClosingT = TypeVar("ClosingT", bound="Closing")
AsyncClosingT = TypeVar("AsyncClosingT", bound="AsyncClosing")


class Closing:
    """A context manager whose exit calls `close`."""

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self: ClosingT) -> ClosingT:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()


class AsyncClosing:
    """An async context manager whose exit awaits `aclose`."""

    async def aclose(self) -> None:
        raise NotImplementedError

    async def __aenter__(self: AsyncClosingT) -> AsyncClosingT:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        await self.aclose()

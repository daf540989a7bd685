# Copied by codegen.py from templates/runtime/_pagination.py (sha256 3fb27cc9245f8498); edit that file, not this one.
"""Pages of list results, and iteration over every item of every page.

Iterating keeps one page in memory at a time; each further page is requested only when the
items before it have been consumed. The two pagination styles (cursor, page number) are
mixins holding the state; `Page` and `AsyncPage` add the sync and asyncio ways of fetching.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Generator, Iterator, Mapping
from typing import Any, Generic, TypeVar

from ._exceptions import NoSuchPageError
from ._spec import CURSOR_NEXT, CURSOR_PREVIOUS, PAGE_COUNT, PAGE_CURRENT, PAGE_TOTAL

__all__ = [
    "AsyncCursorPage",
    "AsyncOffsetPage",
    "AsyncPage",
    "AsyncPaginator",
    "CursorPage",
    "NoSuchPageError",
    "OffsetPage",
    "Page",
]

T = TypeVar("T")
_UNREAD = object()
PageT = TypeVar("PageT", bound="Page[Any]")
AsyncPageT = TypeVar("AsyncPageT", bound="AsyncPage[Any]")


class _PageState(Generic[T]):
    """What a page knows: its items, the envelope it came in, and the call that fetched it."""

    data: list[T]

    def __init__(
        self, envelope: Any, *, args: Mapping[str, Any], fetch: Callable[[Mapping[str, Any]], Any]
    ) -> None:
        self.data = list(envelope.data)
        self._envelope = envelope
        self._args = args
        self._fetch = fetch

    def has_next_page(self) -> bool:
        raise NotImplementedError

    def has_previous_page(self) -> bool:
        raise NotImplementedError

    def _next_args(self) -> Mapping[str, Any]:
        raise NotImplementedError

    def _previous_args(self) -> Mapping[str, Any]:
        raise NotImplementedError

    def _args_for(self, forward: bool) -> Mapping[str, Any]:
        if forward and not self.has_next_page():
            raise NoSuchPageError("There is no next page: this is the last one.")
        if not forward and not self.has_previous_page():
            raise NoSuchPageError("There is no previous page: this is the first one.")
        return self._next_args() if forward else self._previous_args()

    def __len__(self) -> int:
        return len(self.data)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} items={len(self.data)} next={self.has_next_page()}>"


class _Cursor:
    """Cursor pagination (``runs.list``): ``page[after]``/``page[before]``."""

    _envelope: Any
    _args: Mapping[str, Any]
    # Read from the envelope once: a page loop asks for the next cursor several times.
    _next: object = _UNREAD
    _previous: object = _UNREAD

    @property
    def next_cursor(self) -> str | None:
        if self._next is _UNREAD:
            self._next = getattr(self._envelope.pagination, CURSOR_NEXT) or None
        return self._next  # type: ignore[return-value]

    @property
    def previous_cursor(self) -> str | None:
        if self._previous is _UNREAD:
            self._previous = getattr(self._envelope.pagination, CURSOR_PREVIOUS) or None
        return self._previous  # type: ignore[return-value]

    def has_next_page(self) -> bool:
        # A server that hands back the cursor it was given would otherwise loop forever.
        cursor = self.next_cursor
        return cursor is not None and cursor != self._args.get("after")

    def has_previous_page(self) -> bool:
        cursor = self.previous_cursor
        return cursor is not None and cursor != self._args.get("before")

    def _next_args(self) -> Mapping[str, Any]:
        # Only one cursor per request: the server prefers page[before] when both are sent.
        return {**self._args, "after": self.next_cursor, "before": None}

    def _previous_args(self) -> Mapping[str, Any]:
        return {**self._args, "before": self.previous_cursor, "after": None}


class _Offset:
    """Page-number pagination (``schedules.list``): ``page``/``perPage``."""

    _envelope: Any
    _args: Mapping[str, Any]

    @property
    def current_page(self) -> int:
        return int(getattr(self._envelope.pagination, PAGE_CURRENT))

    @property
    def total_pages(self) -> int:
        return int(getattr(self._envelope.pagination, PAGE_TOTAL))

    @property
    def count(self) -> int:
        return int(getattr(self._envelope.pagination, PAGE_COUNT))

    def has_next_page(self) -> bool:
        return self.current_page < self.total_pages

    def has_previous_page(self) -> bool:
        return self.current_page > 1

    def _next_args(self) -> Mapping[str, Any]:
        return {**self._args, "page": self.current_page + 1}

    def _previous_args(self) -> Mapping[str, Any]:
        return {**self._args, "page": self.current_page - 1}


class Page(_PageState[T]):
    """One page of a list call. Iterate it for every item across all pages."""

    def get_next_page(self: PageT) -> PageT:
        page: PageT = self._fetch(self._args_for(forward=True))
        return page

    def get_previous_page(self: PageT) -> PageT:
        page: PageT = self._fetch(self._args_for(forward=False))
        return page

    def iter_pages(self: PageT) -> Iterator[PageT]:
        """This page, then each following page until the last."""
        page = self
        while True:
            yield page
            if not page.has_next_page():
                return
            page = page.get_next_page()

    def __iter__(self) -> Iterator[T]:
        for page in self.iter_pages():
            yield from page.data


class AsyncPage(_PageState[T]):
    """One page of a list call on `AsyncTriggerClient`; ``async for`` gives every item."""

    async def get_next_page(self: AsyncPageT) -> AsyncPageT:
        page: AsyncPageT = await self._fetch(self._args_for(forward=True))
        return page

    async def get_previous_page(self: AsyncPageT) -> AsyncPageT:
        page: AsyncPageT = await self._fetch(self._args_for(forward=False))
        return page

    async def iter_pages(self: AsyncPageT) -> AsyncIterator[AsyncPageT]:
        """This page, then each following page until the last."""
        page = self
        while True:
            yield page
            if not page.has_next_page():
                return
            page = await page.get_next_page()

    async def __aiter__(self) -> AsyncIterator[T]:
        async for page in self.iter_pages():
            for item in page.data:
                yield item


class CursorPage(_Cursor, Page[T]):
    """A page of a cursor-paginated list (``runs.list``)."""


class OffsetPage(_Offset, Page[T]):
    """A page of a page-numbered list (``schedules.list``)."""


class AsyncCursorPage(_Cursor, AsyncPage[T]):
    """A page of a cursor-paginated list (``runs.list``), on the async client."""


class AsyncOffsetPage(_Offset, AsyncPage[T]):
    """A page of a page-numbered list (``schedules.list``), on the async client."""


class AsyncPaginator(Generic[AsyncPageT, T]):
    """What an async list call returns: ``await`` it for the first page, or ``async for``
    over it for every item of every page.

    Generic over the page (``AsyncCursorPage[ListRunItem]``) and its item (``ListRunItem``):
    a type variable cannot name "the item type of this page", so the item is spelled out.
    """

    def __init__(self, first_page: Callable[[], Awaitable[AsyncPageT]]) -> None:
        self._first_page = first_page

    def __await__(self) -> Generator[Any, None, AsyncPageT]:
        return self._first_page().__await__()

    async def __aiter__(self) -> AsyncIterator[T]:
        page = await self._first_page()
        async for item in page:
            yield item

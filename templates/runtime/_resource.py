# Runtime source of trigger_dev: codegen.py copies it into generated/trigger_dev/ unchanged.
"""The base of every resource namespace, sync and async, and the typed wrappers behind
`with_raw_response`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar, cast

from ._http.options import RequestOptions
from ._http.raw_response import RawResponse
from ._pagination import AsyncPage, AsyncPaginator
from ._wire.operation import Operation

if TYPE_CHECKING:
    from ._async_base_client import AsyncAPIClient
    from ._base_client import SyncAPIClient

__all__ = ["AsyncAPIResource", "SyncAPIResource", "async_to_raw_response", "to_raw_response"]

T = TypeVar("T")
P = ParamSpec("P")
NamespaceT = TypeVar("NamespaceT", bound="_Namespace")


class _Namespace:
    """What the sync and the async namespaces share: their client, and whether their calls
    return the `RawResponse` itself."""

    def __init__(self, client: Any, *, raw: bool = False) -> None:
        self._client = client
        self._raw = raw

    def _as_raw(self: NamespaceT) -> NamespaceT:
        """This namespace, its calls returning `RawResponse` (see `to_raw_response`)."""
        return type(self)(self._client, raw=True)

    def _deliver(self, response: RawResponse[T]) -> T:
        # In a raw namespace the caller asked for the response itself; `to_raw_response`
        # gives that namespace's methods their true return type.
        return cast(T, response) if self._raw else response.parse()


class SyncAPIResource(_Namespace):
    _client: SyncAPIClient

    def _call(
        self, operation: Operation[T], args: Mapping[str, Any], request_options: RequestOptions | None
    ) -> T:
        return self._deliver(self._client.request(operation, args, request_options))


class AsyncAPIResource(_Namespace):
    _client: AsyncAPIClient

    async def _call(
        self, operation: Operation[T], args: Mapping[str, Any], request_options: RequestOptions | None
    ) -> T:
        return self._deliver(await self._client.request(operation, args, request_options))

    def _paginate(
        self, operation: Operation[Any], args: Mapping[str, Any], request_options: RequestOptions | None
    ) -> Any:
        """A paginator over the list (or, in a raw namespace, the first page's response)."""
        if self._raw:
            return self._client.request(operation, args, request_options)

        async def first_page() -> AsyncPage[Any]:
            return cast(
                "AsyncPage[Any]", (await self._client.request(operation, args, request_options)).parse()
            )

        return AsyncPaginator(first_page)


def to_raw_response(method: Callable[P, T]) -> Callable[P, RawResponse[T]]:
    """Retype a method of a raw namespace: same parameters, returns the `RawResponse`."""
    return cast(Callable[P, RawResponse[T]], method)


def async_to_raw_response(method: Callable[P, Awaitable[T]]) -> Callable[P, Awaitable[RawResponse[T]]]:
    """The same for an async namespace: the awaited value is the `RawResponse`."""
    return cast(Callable[P, Awaitable[RawResponse[T]]], method)

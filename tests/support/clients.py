"""Fake credentials, and the clients tests make with them.

The credentials are obvious fakes: they never reach a cassette (Authorization is filtered)
and are too short to look like real keys.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar

from trigger_dev import AsyncTriggerClient, TriggerClient

ROOT = Path(__file__).resolve().parent.parent.parent
SPEC = ROOT / "openapi" / "trigger.yaml"

SECRET_KEY = "tr_dev_fakeKey"
ACCESS_TOKEN = "tr_pat_fakeToken"
ORG_TOKEN = "tr_oat_fakeToken"
# Nothing listens here: a request that escapes a cassette fails instead of going anywhere.
REPLAY_URL = "http://127.0.0.1:9"

FAST_RETRIES: Mapping[str, Any] = {"max_attempts": 3, "min_delay": 0.001, "max_delay": 0.005}
"""Retries that take milliseconds, for tests of what is retried rather than how long it waits."""


class Waits(list[float]):
    """Stands in for the client's sleep between retries: remembers each wait instead."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


class AsyncWaits(list[float]):
    """The same for the async client, in place of asyncio.sleep."""

    async def __call__(self, seconds: float) -> None:
        self.append(seconds)


def sync_client(base_url: str, *, waits: Waits | None = None, **arguments: Any) -> TriggerClient:
    """A client of ``base_url`` with a fake secret key; see `_make` for the arguments."""
    return _make(TriggerClient, ("trust_env", "ca_bundle", "pool_manager"), base_url, waits, arguments)


def async_client(base_url: str, *, waits: AsyncWaits | None = None, **arguments: Any) -> AsyncTriggerClient:
    """`sync_client` for `AsyncTriggerClient`."""
    return _make(AsyncTriggerClient, ("trust_env", "ca_bundle", "session"), base_url, waits, arguments)


ClientT = TypeVar("ClientT", TriggerClient, AsyncTriggerClient)


def _make(
    cls: type[ClientT], client_keys: tuple[str, ...], base_url: str, waits: Any, arguments: dict[str, Any]
) -> ClientT:
    """``secret_key`` (default: the fake one) or ``access_token``; ``attempts`` and ``retry``
    set the retry policy; ``waits`` records retry waits instead of sleeping; the keys in
    ``client_keys`` go to the constructor, every other keyword is a request option."""
    secret_key = arguments.pop("secret_key", SECRET_KEY)
    access_token = arguments.pop("access_token", None)
    attempts = arguments.pop("attempts", None)
    retry = arguments.pop("retry", None)
    constructor = {key: arguments.pop(key) for key in client_keys if key in arguments}
    if retry is not None or attempts is not None:
        arguments["retry"] = {**(retry or {}), **({"max_attempts": attempts} if attempts is not None else {})}
    client = cls(
        secret_key=None if access_token else secret_key,
        access_token=access_token,
        base_url=base_url,
        request_options=arguments or None,  # type: ignore[arg-type]  # checked by the client
        **constructor,
    )
    if waits is not None:
        client._client._sleep = waits
    return client

# Copied by codegen.py from templates/runtime/_tokens/public.py (sha256 78eb44ad2d86f558); edit that file, not this one.
"""`auth.create_public_token` and its trigger and batch-trigger variants: public access tokens
signed exactly as the official SDK signs them, so a page using ``@trigger.dev/react-hooks``
accepts a token minted here.

A root secret key signs locally (HS256, see `_wire.jwt`), with the environment's claims fetched
once per client from the claims route. A restricted key (``tr_prod_sk_…``) cannot sign; the
server signs for it (servers from 4.5.10).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Coroutine, Mapping, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any, Protocol, TypedDict, TypeVar

from .._exceptions import ArgumentTypeError, AuthMethodError, InvalidArgumentError, NotFoundError
from .._http.steps import Request, Runner, StepMethods, Steps
from .._wire.jwt import Expiration, expires_at

if TYPE_CHECKING:
    from .._async_base_client import AsyncAPIClient
    from .._base_client import SyncAPIClient
    from .._http.options import RequestOptions
    from .._wire.credentials import Credential

__all__ = ["AsyncPublicTokens", "PublicTokenScopes", "PublicTokens", "ResourceScopes", "TaskScopes"]

ScopeValue = bool | str | Sequence[str]


class ResourceScopes(TypedDict, total=False):
    """What a token may read or write: ``True`` for every one, or some ids."""

    runs: ScopeValue
    tasks: ScopeValue
    tags: ScopeValue
    batch: ScopeValue
    waitpoints: ScopeValue
    input_streams: ScopeValue
    sessions: ScopeValue


class TaskScopes(TypedDict, total=False):
    tasks: ScopeValue


class PublicTokenScopes(TypedDict, total=False):
    """The permissions of a public access token, as the official SDK's ``scopes`` option:
    ``{"read": {"runs": ["run_1234"]}, "trigger": {"tasks": "send-email"}}``."""

    read: ResourceScopes
    write: ResourceScopes
    trigger: TaskScopes
    batch_trigger: TaskScopes


_ACTIONS = {"read": "read", "write": "write", "trigger": "trigger", "batch_trigger": "batchTrigger"}
_RESOURCES = {
    "runs": "runs", "tasks": "tasks", "tags": "tags", "batch": "batch", "waitpoints": "waitpoints",
    "input_streams": "inputStreams", "sessions": "sessions",
}  # fmt: skip


def scope_strings(scopes: PublicTokenScopes | Sequence[str] | None) -> list[str] | None:
    """The official SDK's scope strings (``read:runs:run_1234``) for a permissions dict; a
    list of scope strings is taken as it is."""
    if scopes is None:
        return None
    if isinstance(scopes, Sequence) and not isinstance(scopes, str):
        return [_scope_string(scope) for scope in scopes]
    if not isinstance(scopes, Mapping):
        raise ArgumentTypeError(
            f"scopes must be a dict such as {{'read': {{'runs': True}}}} or a list of scope strings, got {type(scopes).__name__}"
        )
    flat = []
    for action, resources in scopes.items():
        wire_action = _ACTIONS.get(action)
        if wire_action is None:
            raise ArgumentTypeError(
                f"scopes has no action {action!r}; valid actions are: {', '.join(_ACTIONS)}"
            )
        if not isinstance(resources, Mapping):
            raise ArgumentTypeError(f"scopes[{action!r}] must be a dict such as {{'runs': True}}")
        for resource, value in resources.items():
            wire_resource = _RESOURCES.get(resource)
            allowed = ("tasks",) if action in ("trigger", "batch_trigger") else tuple(_RESOURCES)
            if wire_resource is None or resource not in allowed:
                raise ArgumentTypeError(
                    f"scopes[{action!r}] has no key {resource!r}; valid keys are: {', '.join(allowed)}"
                )
            flat.extend(
                _flatten(f"{wire_action}:{wire_resource}", value, f"scopes[{action!r}][{resource!r}]")
            )
    return flat


def _flatten(prefix: str, value: Any, where: str) -> list[str]:
    if value is True:
        return [prefix]
    if value is False or value is None:
        return []
    if isinstance(value, str):
        return [f"{prefix}:{_scope_part(value, where)}"]
    if isinstance(value, Sequence):
        return [f"{prefix}:{_scope_part(item, where)}" for item in value]
    raise ArgumentTypeError(f"{where} must be True, an id or a list of ids, got {type(value).__name__}")


def _scope_part(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value:
        raise ArgumentTypeError(f"{where} ids must be non-empty strings, got {value!r:.40}")
    return value


def _scope_string(scope: Any) -> str:
    if not isinstance(scope, str) or (scope.count(":") < 1 and scope != "admin"):
        raise InvalidArgumentError(
            f"a scope string looks like 'read:runs' or 'trigger:tasks:my-task', got {scope!r:.60}"
        )
    return scope


def _tasks(task: str | Sequence[str]) -> list[str]:
    tasks = [task] if isinstance(task, str) else list(task)
    if not tasks or not all(isinstance(t, str) and t for t in tasks):
        raise InvalidArgumentError(f"a task id or a list of task ids is needed, got {task!r:.60}")
    return tasks


class _TokenRequest:
    """What a token should say, checked before anything is sent."""

    def __init__(
        self,
        name: str,
        scopes: list[str] | None,
        expiration: Expiration | None,
        one_time: bool,
        skip_columns: Sequence[str] | None,
    ) -> None:
        self.name = name
        self.scopes = scopes
        self.expiration = expiration
        self.one_time = one_time
        self.skip_columns = list(skip_columns) if skip_columns is not None else None
        expires_at(expiration, 0)  # refuse a malformed expiration now

    def claims(self, environment: Mapping[str, Any]) -> dict[str, Any]:
        claims: dict[str, Any] = dict(environment)
        if self.scopes is not None:
            claims["scopes"] = self.scopes
        if self.one_time:
            claims["otu"] = True
        if self.skip_columns is not None:
            claims["realtime"] = {"skipColumns": self.skip_columns}
        return claims

    def server_body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"scopes": self.scopes or []}
        if self.one_time:
            body["one_time_use"] = True
        expiration = self.expiration if self.expiration is not None else "15m"
        if isinstance(expiration, datetime.datetime):
            expiration = expires_at(expiration, 0)
        elif isinstance(expiration, datetime.timedelta):
            expiration = f"{int(expiration.total_seconds())}s"
        body["expiration_time"] = expiration
        if self.skip_columns is not None:
            body["realtime"] = {"skip_columns": self.skip_columns}
        return body


def _check_credential(client: _Minter[Any], request: _TokenRequest) -> None:
    credential = client.credential
    if credential is None or not (credential.signs_tokens or credential.is_restricted_key):
        given = credential.kind.label if credential is not None else "none"
        raise AuthMethodError(
            f"{request.name} needs an environment's secret key to sign the token with; "
            f"it cannot be done with {'no credential' if credential is None else 'a ' + given}.",
            operation=request.name,
            credential=given,
        )
    if credential.is_restricted_key and not request.scopes:
        raise InvalidArgumentError(f"{request.name} with a restricted key needs at least one scope")


_NO_SERVER_SIGNING = (
    "{name}: this restricted key (tr_<env>_sk_...) cannot sign tokens itself, and this server "
    "has no token route (servers sign for such keys from 4.5.10); use the environment's root secret key."
)


def _public(
    scopes: PublicTokenScopes | Sequence[str] | None,
    expiration: Expiration | None,
    realtime_skip_columns: Sequence[str] | None,
) -> _TokenRequest:
    return _TokenRequest(
        "auth.create_public_token", scope_strings(scopes), expiration, False, realtime_skip_columns
    )


def _task(
    name: str,
    action: str,
    task: str | Sequence[str],
    expiration: Expiration | None,
    multiple_use: bool,
    realtime_skip_columns: Sequence[str] | None,
) -> _TokenRequest:
    scopes = [f"{action}:tasks:{t}" for t in _tasks(task)]
    return _TokenRequest(name, scopes, expiration, not multiple_use, realtime_skip_columns)


TokenT = TypeVar("TokenT")  # a token (str), or (async) the coroutine that gives one
TokenT_co = TypeVar("TokenT_co", covariant=True)


class _Minter(Runner[str, TokenT_co], Protocol[TokenT_co]):
    """What minting a token needs of a client: its credential, the environment's claims
    (fetched once, then kept on the client), and `run` to carry out the steps."""

    credential: Credential | None
    token_claims: dict[str, Any] | None


class _TokenMethods(StepMethods[str, TokenT]):
    """The three ways to ask for a token, written once for both clients: each is a core
    written as steps, which the client carries out (the async one returns a coroutine to
    await)."""

    if TYPE_CHECKING:

        @property
        def _client(self) -> _Minter[TokenT]: ...

    def create_public_token(
        self,
        *,
        scopes: PublicTokenScopes | Sequence[str] | None = None,
        expiration: Expiration | None = None,
        realtime_skip_columns: Sequence[str] | None = None,
        request_options: RequestOptions | None = None,
    ) -> TokenT:
        """A public access token with these permissions, valid for 15 minutes unless
        ``expiration`` says otherwise (``"1h"``, a timedelta, an aware datetime or Unix seconds).

        ``scopes`` as the official SDK takes them: ``{"read": {"runs": True}}`` reads every run,
        ``{"read": {"runs": ["run_1234"], "tags": "user_42"}}`` some, ``{"trigger": {"tasks": "x"}}``
        may trigger a task. ``realtime_skip_columns`` limits what realtime subscriptions show.
        """
        request = partial(_public, scopes, expiration, realtime_skip_columns)
        return self._client.run(_token_steps(self._client, request, request_options))

    def create_trigger_public_token(
        self,
        task: str | Sequence[str],
        *,
        expiration: Expiration | None = None,
        multiple_use: bool = False,
        realtime_skip_columns: Sequence[str] | None = None,
        request_options: RequestOptions | None = None,
    ) -> TokenT:
        """A token that may trigger ``task`` (or these tasks) once, unless ``multiple_use``;
        valid 15 minutes by default."""
        request = partial(
            _task,
            "auth.create_trigger_public_token",
            "trigger",
            task,
            expiration,
            multiple_use,
            realtime_skip_columns,
        )
        return self._client.run(_token_steps(self._client, request, request_options))

    def create_batch_trigger_public_token(
        self,
        task: str | Sequence[str],
        *,
        expiration: Expiration | None = None,
        multiple_use: bool = False,
        realtime_skip_columns: Sequence[str] | None = None,
        request_options: RequestOptions | None = None,
    ) -> TokenT:
        """A token that may batch-trigger ``task`` (or these tasks) once, unless ``multiple_use``."""
        request = partial(
            _task,
            "auth.create_batch_trigger_public_token",
            "batchTrigger",
            task,
            expiration,
            multiple_use,
            realtime_skip_columns,
        )
        return self._client.run(_token_steps(self._client, request, request_options))


class PublicTokens(_TokenMethods[str]):
    """Public access tokens, for a browser or another service (methods of `auth`)."""

    _client: SyncAPIClient


class AsyncPublicTokens(_TokenMethods[Coroutine[Any, Any, str]]):
    """`PublicTokens` for `AsyncTriggerClient`: the same methods, awaited."""

    _client: AsyncAPIClient


def _token_steps(
    client: _Minter[Any], describe: Callable[[], _TokenRequest], request_options: RequestOptions | None
) -> Steps[str]:
    """The token ``describe`` asks for, as steps: signed by the server for a restricted key,
    else signed here with the environment's claims (asked for once per client). Nothing is
    checked before the steps are carried out."""
    from .. import _operations as operations  # on first use: the tables load every model

    request = describe()
    _check_credential(client, request)
    assert client.credential is not None
    if client.credential.is_restricted_key:
        try:
            answer = (
                yield Request(operations.AUTH_SERVER_SIGNED_TOKEN, request.server_body(), request_options)
            ).parse()
        except NotFoundError:
            raise NotFoundError(_NO_SERVER_SIGNING.format(name=request.name), status=404) from None
        return answer.token  # type: ignore[no-any-return]
    if client.token_claims is None:  # the environment's claims never change for a key
        client.token_claims = (
            (yield Request(operations.AUTH_JWT_CLAIMS, {}, request_options)).parse().to_dict()
        )
    return client.credential.sign(request.claims(client.token_claims), request.expiration)

# Copied by codegen.py from templates/runtime/_exceptions.py (sha256 219bb15ae92ea16e); edit that file, not this one.
"""Every error the package raises, and how an error response becomes one.

    TriggerError                      the root: ``except trigger_dev.TriggerError`` catches all
    ├── ApiError                      status, headers, body, error, code, param, type, message
    │   ├── ApiConnectionError        no response: DNS, refused, reset, TLS
    │   │   └── ApiTimeoutError
    │   ├── BadRequestError 400, AuthenticationError 401, PermissionDeniedError 403,
    │   │   NotFoundError 404, ConflictError 409, UnprocessableEntityError 422,
    │   │   RateLimitError 429, InternalServerError 5xx
    │   ├── ApiSchemaValidationError  a 2xx body that is not what the API description says
    │   ├── BatchNotSealedError       a batch whose items did not all arrive
    │   └── ObjectStoreError          a large payload or output that could not be moved
    ├── InvalidArgumentError (ValueError)  a call's arguments refused before sending
    │   ├── ArgumentTypeError (TypeError)  an argument of the wrong type, an unknown key
    │   ├── AuthMethodError           the wrong credential for a call
    │   └── ClientClosedError         a call on a client that was closed
    ├── PollTimeoutError (TimeoutError)  runs.poll gave up before the run finished
    ├── SchemaError                   a field of the wrong type, when it is read
    └── NoSuchPageError (LookupError) the page after the last, or before the first

Each shows as ``trigger_dev.<Name>`` in tracebacks, where users import it from, and each
survives pickling with its attributes (process pools send exceptions back pickled).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from urllib3 import HTTPHeaderDict

from . import _json

__all__ = [
    "ApiConnectionError",
    "ApiError",
    "ApiSchemaValidationError",
    "ApiTimeoutError",
    "ArgumentTypeError",
    "AuthMethodError",
    "AuthenticationError",
    "BadRequestError",
    "BatchNotSealedError",
    "ClientClosedError",
    "ConflictError",
    "InternalServerError",
    "InvalidArgumentError",
    "NoSuchPageError",
    "NotFoundError",
    "ObjectStoreError",
    "PermissionDeniedError",
    "PollTimeoutError",
    "RateLimitError",
    "SchemaError",
    "TriggerError",
    "UnprocessableEntityError",
    "WebhookVerificationError",
    "error_from_response",
]


class TriggerError(Exception):
    """The base of every error this package raises."""

    def __reduce__(self) -> tuple[Any, ...]:
        return _rebuild, (type(self), self.args, dict(self.__dict__))


class ApiError(TriggerError):
    """An error reported by the API, or a failure to reach it.

    ``operation`` is the call that failed (``runs.retrieve``), ``status`` the HTTP status
    (``None`` when no response arrived), ``message`` the server's message, ``body`` the
    decoded JSON body (or the text, when it is not JSON), ``error`` the body's ``error``
    field and ``code``, ``param`` and ``type`` the matching top-level fields when the server
    sent them. ``str(error)`` puts them together: ``runs.retrieve: 404 Not Found: Run not
    found``.
    """

    operation: str | None = None
    status: int | None
    headers: Mapping[str, str]
    body: Any
    error: Any
    code: str | None
    param: str | None
    type: str | None
    message: str

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        headers: Mapping[str, str] | None = None,
        body: Any = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.headers = headers if headers is not None else {}
        self.body = body
        fields = body if isinstance(body, dict) else {}
        self.error = fields.get("error")
        self.code = _optional_str(fields.get("code"))
        self.param = _optional_str(fields.get("param"))
        self.type = _optional_str(fields.get("type"))

    def __str__(self) -> str:
        text, operation = self.message, self.operation
        if operation and text.startswith(f"{operation}: "):
            text = text[len(operation) + 2 :]
        if self.status is not None:
            text = f"{self.status} {_reason_phrase(self.status)}: {text}".replace(" : ", ": ")
        return f"{operation}: {text}" if operation else text

    def __reduce__(self) -> tuple[Any, ...]:
        state = dict(self.__dict__)
        if not isinstance(state.get("headers"), (dict, HTTPHeaderDict)):
            state["headers"] = HTTPHeaderDict(state.get("headers") or {})  # aiohttp's are not picklable
        return _rebuild, (type(self), self.args, state)


class ApiConnectionError(ApiError):
    """No response arrived: DNS failure, refused or reset connection, TLS failure.

    ``attempts`` is how many attempts were made before giving up (``None`` when the error
    did not come from a call's last attempt).
    """

    attempts: int | None = None
    # False when no connection was made, so the server cannot have seen the request.
    may_have_arrived: bool = True

    def __init__(self, message: str = "Connection error.") -> None:
        super().__init__(message)


class ApiTimeoutError(ApiConnectionError):
    """The server did not answer within the configured timeout."""

    def __init__(self, message: str = "Request timed out.") -> None:
        super().__init__(message)


class BadRequestError(ApiError):
    """400: the server refused the request as malformed."""


class AuthenticationError(ApiError):
    """401: the credential is missing, unknown or of a kind this endpoint does not take."""


class PermissionDeniedError(ApiError):
    """403: the credential is valid but not allowed to do this."""


class NotFoundError(ApiError):
    """404: the resource does not exist, or is not visible to this credential."""


class ConflictError(ApiError):
    """409: the request conflicts with the current state."""


class UnprocessableEntityError(ApiError):
    """422: the request was well formed but the server could not act on it."""


class RateLimitError(ApiError):
    """429: too many requests.

    ``retry_after_seconds`` is the wait the server asked for, when it said; the client raises
    this error without waiting when that wait is longer than it is willing to sleep.
    """

    retry_after_seconds: float | None = None


class InternalServerError(ApiError):
    """A 5xx status: the server failed."""


class ApiSchemaValidationError(ApiError):
    """A successful response whose body is not what the API description promises.

    ``body`` holds the raw response text, so nothing the server said is lost.
    """


class BatchNotSealedError(ApiError):
    """The server accepted a batch's items but did not seal it: not every item arrived."""


class ObjectStoreError(ApiError):
    """A large payload or output could not go to or come from object storage.

    The server keeps payloads and outputs too large to send inline behind presigned URLs;
    the client uploads and downloads them itself. ``operation`` is the call
    (``runs.retrieve``), ``field`` what was being moved (``payload`` or ``output``),
    ``status`` the object store's HTTP status (``None`` when it did not answer). Messages
    never show a presigned URL's query, which is its signature.
    """

    def __init__(self, message: str, *, status: int | None, operation: str, field: str) -> None:
        super().__init__(message, status=status)
        self.operation = operation
        self.field = field


class InvalidArgumentError(TriggerError, ValueError):
    """A call's arguments, options or configuration were refused before anything was sent.

    The message names the argument in Python terms and what would be accepted. Being a
    `ValueError` too, it is caught by code written for the standard library's conventions.
    """


class ArgumentTypeError(InvalidArgumentError, TypeError):
    """An argument of the wrong type, a missing argument, or an option key that does not
    exist; also a `TypeError`, as Python itself raises for these."""


class ClientClosedError(InvalidArgumentError):
    """A call on a client after `close()`, or after its ``with`` block ended; nothing was
    sent. Make a new client (or call `trigger_dev.configure()` again)."""


class AuthMethodError(InvalidArgumentError):
    """The configured credential cannot be used for this call; raised before sending.

    ``operation`` is the SDK name of the call (``runs.retrieve``), ``credential`` the kind of
    credential that was configured.
    """

    def __init__(self, message: str, *, operation: str, credential: str) -> None:
        super().__init__(message)
        self.operation = operation
        self.credential = credential


class PollTimeoutError(TriggerError, TimeoutError):
    """`runs.poll` or `bulk_actions.poll` waited ``timeout`` seconds and the run (or bulk
    action) had not finished.

    ``run_id`` is the run (empty for a bulk action), ``bulk_action_id`` the bulk action (None
    for a run), ``status`` the last status seen, ``waited`` the seconds spent.
    """

    def __init__(
        self,
        message: str,
        *,
        run_id: str = "",
        status: str | None,
        waited: float,
        bulk_action_id: str | None = None,
    ) -> None:
        super().__init__(message)
        self.run_id = run_id
        self.bulk_action_id = bulk_action_id
        self.status = status
        self.waited = waited


class WebhookVerificationError(TriggerError):
    """An alert webhook that `webhooks.construct_event` refused: no signature header, a
    signature that does not match the body and secret, an empty secret, or a signed body that
    is not a JSON object. Answer such a request with 400 and do not act on it."""


class SchemaError(TriggerError):
    """A wire value that does not match the API description; ``path`` locates it."""

    def __init__(self, message: str, path: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = path if path is not None else []

    def __str__(self) -> str:
        where = ".".join(self.path).replace(".[", "[")
        return f"{where}: {self.message}" if where else self.message


class NoSuchPageError(TriggerError, LookupError):
    """Asked for the page after the last one, or before the first."""


def _rebuild(cls: type[BaseException], args: tuple[Any, ...], state: dict[str, Any]) -> BaseException:
    """Unpickle an error whose constructor takes keyword-only arguments: a process pool sends
    exceptions back pickled, and one that cannot be rebuilt breaks the whole pool."""
    error = cls.__new__(cls)
    error.args = args
    error.__dict__.update(state)
    return error


_ERRORS_BY_STATUS: dict[int, type[ApiError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def error_class_for(status: int) -> type[ApiError]:
    if status >= 500:
        return InternalServerError
    return _ERRORS_BY_STATUS.get(status, ApiError)


def error_from_response(status: int, headers: Mapping[str, str], text: str) -> ApiError:
    """Build the error for a non-2xx response, with the message the official SDK would show."""
    body: Any
    try:
        body = _json.loads(text) if text else None
    except ValueError:
        body = text
    message = _redirect_message(status, headers) if 300 <= status < 400 else _message(body, text)
    return error_class_for(status)(message, status=status, headers=headers, body=body)


def _redirect_message(status: int, headers: Mapping[str, str]) -> str:
    # Not followed on purpose: a redirect would replay the credential to another address.
    location = headers.get("location", "")
    target = location.split("?", 1)[0].split("#", 1)[0]
    where = f" to {target}" if target else ""
    hint = (
        "; the API is served over https, so base_url probably needs https://"
        if location.startswith("https://")
        else ""
    )
    return (
        f"the server redirected the request{where}. The client does not follow redirects, so "
        f"the credential is never sent to another address: set base_url to the address the "
        f"API answers on{hint}."
    )


def _message(body: Any, text: str) -> str:
    """The body's error message, as the official SDK picks it, or the body made readable."""
    if isinstance(body, dict) and "error" in body:
        error = body["error"]
        if isinstance(error, dict) and "message" in error:
            inner = error["message"]
            return inner if isinstance(inner, str) else json.dumps(inner)
        return error if isinstance(error, str) else json.dumps(error)
    if not text.strip():
        return "(no body)"
    return readable(text)


HTML_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_HTML_TAG = re.compile(r"<[^>]+>")


def readable(text: str, limit: int = 300) -> str:
    """One line of text from a body that is not JSON (often an HTML page from a proxy)."""
    title = HTML_TITLE.search(text)
    if title:
        text = title.group(1)
    elif text.lstrip().startswith("<"):
        text = _HTML_TAG.sub(" ", text)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _reason_phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error" if status >= 400 else "Status"


def _optional_str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


# Shown as trigger_dev.NotFoundError rather than trigger_dev._exceptions.NotFoundError in
# tracebacks and reprs: the name users import and catch. Pickle finds them there too.
for _error in (
    TriggerError, ApiError, ApiConnectionError, ApiTimeoutError, BadRequestError, AuthenticationError,
    PermissionDeniedError, NotFoundError, ConflictError, UnprocessableEntityError, RateLimitError,
    InternalServerError, ApiSchemaValidationError, BatchNotSealedError, ObjectStoreError, AuthMethodError,
    PollTimeoutError, SchemaError, NoSuchPageError, InvalidArgumentError, ArgumentTypeError, ClientClosedError,
    WebhookVerificationError,
):  # fmt: skip
    _error.__module__ = "trigger_dev"
del _error

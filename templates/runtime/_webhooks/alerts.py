# Runtime source of trigger_dev: codegen.py copies it into generated/trigger_dev/ unchanged.
"""Alert webhooks: `webhooks.construct_event` checks that a request to your endpoint came
from Trigger.dev and reads its body as a typed event. Pure computation, no I/O.

The server signs each alert it posts to a webhook channel: the hex HMAC-SHA256 of the exact
body bytes, keyed with the channel's secret, in the ``x-trigger-signature-hmacsha256``
header. Nothing in the signature is a timestamp, so a recorded request verifies again
later: drop repeats by the event's ``id`` if a replay would hurt.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, TypeAlias, Union

from .. import _json
from .._exceptions import ArgumentTypeError, SchemaError, WebhookVerificationError

if TYPE_CHECKING:
    from ..models import (
        DeploymentFailedWebhook,
        DeploymentSuccessWebhook,
        ErrorWebhook,
        RunFailedWebhook,
        UnknownWebhookEvent,
    )

__all__ = [
    "SIGNATURE_HEADER",
    "AlertWebhooks",
    "AsyncAlertWebhooks",
    "HeadersLike",
    "WebhookEvent",
    "construct_event",
]

SIGNATURE_HEADER = "x-trigger-signature-hmacsha256"
"""The header the server puts the body's signature in (lowercase hex)."""

# Union of names, not `|`: the models load on first use, so the alias holds forward references.
WebhookEvent: TypeAlias = Union[
    "RunFailedWebhook",
    "DeploymentSuccessWebhook",
    "DeploymentFailedWebhook",
    "ErrorWebhook",
    "UnknownWebhookEvent",
]
"""What `construct_event` returns: one class per alert ``type`` the SDK knows, else
`UnknownWebhookEvent`."""

HeadersLike: TypeAlias = (
    Mapping[str, str] | Mapping[bytes, bytes] | Iterable[tuple[str, str]] | Iterable[tuple[bytes, bytes]]
)
"""A request's headers as a framework hands them over: any mapping (Starlette's and
Django's headers, a plain dict), or a list of ``(name, value)`` pairs (ASGI's raw headers,
as text or bytes). Names are matched without regard to case."""


def _model_for(event_type: object) -> Any:
    """The model class of a known alert ``type``, else None."""
    from .. import models  # loaded on first use, as the package loads its models

    return {
        "alert.run.failed": models.RunFailedWebhook,
        "alert.deployment.success": models.DeploymentSuccessWebhook,
        "alert.deployment.failed": models.DeploymentFailedWebhook,
        "alert.error": models.ErrorWebhook,
    }.get(event_type)  # type: ignore[call-overload]


def _text(value: object) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("latin-1")
    return None


def signature_header(headers: HeadersLike) -> str:
    """The signature header's value, looked up without regard to case; refuses a request
    with none, or with several different ones."""
    if isinstance(headers, (str, bytes, bytearray)) or not isinstance(headers, (Mapping, Iterable)):
        raise ArgumentTypeError(
            "webhooks.construct_event() headers must be a mapping of header names to values "
            f"(request.headers) or a list of (name, value) pairs, got {type(headers).__name__}"
        )
    pairs: Iterable[Any] = headers.items() if isinstance(headers, Mapping) else headers
    found: list[str] = []
    for pair in pairs:
        try:
            name, value = pair
        except (TypeError, ValueError):
            raise ArgumentTypeError(
                f"webhooks.construct_event() headers: expected (name, value) pairs, got {pair!r:.60}"
            ) from None
        name_text, value_text = _text(name), _text(value)
        if name_text is not None and name_text.lower() == SIGNATURE_HEADER and value_text is not None:
            found.append(value_text.strip())
    if not found:
        raise WebhookVerificationError(
            f"the request has no {SIGNATURE_HEADER} header, so it cannot have come from a "
            "Trigger.dev alert webhook (pass all of the request's headers)"
        )
    if len(set(found)) > 1:
        raise WebhookVerificationError(f"the request has {len(found)} different {SIGNATURE_HEADER} headers")
    return found[0]


def verify(payload: bytes | bytearray | str, headers: HeadersLike, secret: str) -> bytes:
    """Check the body's signature and return the body's bytes; `WebhookVerificationError`
    when it does not match."""
    if isinstance(payload, str):
        body = payload.encode("utf-8")
    elif isinstance(payload, (bytes, bytearray, memoryview)):
        body = bytes(payload)
    else:
        raise ArgumentTypeError(
            "webhooks.construct_event() payload must be the request body as bytes "
            f"(await request.body(), request.body), got {type(payload).__name__}"
        )
    if not isinstance(secret, str):
        raise ArgumentTypeError(
            f"webhooks.construct_event() secret must be the channel's secret as str, got {type(secret).__name__}"
        )
    if not secret:
        raise WebhookVerificationError(
            "webhooks.construct_event() secret is empty: pass the alert channel's webhook secret "
            "(read it from your configuration; an unset environment variable gives '')"
        )
    given = signature_header(headers)
    expected = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(given.encode("utf-8", "replace"), expected.encode("ascii")):
        raise WebhookVerificationError(
            f"the {SIGNATURE_HEADER} signature does not match the body: the secret is not this "
            "channel's, or the body is not the exact bytes sent (pass the raw request body, "
            "never JSON parsed and serialised again), or the request was not sent by Trigger.dev"
        )
    return body


def construct_event(payload: bytes | bytearray | str, headers: HeadersLike, secret: str) -> WebhookEvent:
    """Verify an alert webhook request and read its body as an event.

    ``payload`` is the request body exactly as received: pass the raw bytes (a ``str`` is
    encoded as UTF-8, which gives the same bytes only when it is the undecoded body as text).
    ``headers`` are the request's headers (a mapping, or ``(name, value)`` pairs; any case).
    ``secret`` is the alert channel's webhook secret.

    Returns `RunFailedWebhook`, `DeploymentSuccessWebhook`, `DeploymentFailedWebhook` or
    `ErrorWebhook` by the body's ``type``, and `UnknownWebhookEvent` for a type this SDK does
    not know or a legacy (v1) channel's body without an envelope: a new kind of alert is
    readable, never an error. Raises `WebhookVerificationError` when the signature header is
    missing or does not match, the secret is empty, or the signed body is not a JSON object.
    Nothing is sent anywhere.
    """
    body = verify(payload, headers, secret)
    try:
        data = _json.loads(body)
    except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise WebhookVerificationError(f"the signed body is not JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise WebhookVerificationError(f"the signed body is JSON but not an object: {type(data).__name__}")
    from ..models import UnknownWebhookEvent

    model = _model_for(data.get("type"))
    if model is None:
        return UnknownWebhookEvent.from_dict(data)
    try:
        return model.from_dict(data)  # type: ignore[no-any-return]
    except SchemaError as exc:
        raise WebhookVerificationError(
            f"the signed {data['type']} body is not a complete event: {exc}"
        ) from exc


class AlertWebhooks:
    """Methods of `webhooks` written by hand: verifying the alert webhooks Trigger.dev sends."""

    SIGNATURE_HEADER = SIGNATURE_HEADER

    @staticmethod
    def construct_event(payload: bytes | bytearray | str, headers: HeadersLike, secret: str) -> WebhookEvent:
        """Verify an alert webhook request and read its body as an event; see
        the module's ``construct_event``. Needs no client configuration:
        ``trigger_dev.webhooks.construct_event(...)`` works without a key."""
        return construct_event(payload, headers, secret)


class AsyncAlertWebhooks:
    """`AlertWebhooks` for `AsyncTriggerClient`: the same method, not awaited (no I/O)."""

    SIGNATURE_HEADER = SIGNATURE_HEADER

    @staticmethod
    def construct_event(payload: bytes | bytearray | str, headers: HeadersLike, secret: str) -> WebhookEvent:
        """See `AlertWebhooks.construct_event`; a plain call, since it does no I/O."""
        return construct_event(payload, headers, secret)

# Runtime source of trigger_dev: codegen.py copies it into generated/trigger_dev/ unchanged.
"""Public access tokens that come with an answer (``x-sdk-from-header``): a triggered run,
a created batch or waitpoint token carries one in a response header, which the client puts
into the result. When the server sent none, the token is signed here as the official SDK
signs it: the server's claims header plus one scope.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import _json
from .._http.messages import Received
from .._http.raw_response import UNPARSED

if TYPE_CHECKING:
    from .._wire.credentials import Credential
    from .._wire.operation import Operation

__all__ = ["with_header_fields"]


def with_header_fields(credential: Credential | None, operation: Operation[Any], received: Received) -> Any:
    """The decoded body with the fields the operation reads from headers filled in, or
    ``UNPARSED`` when the body is not a JSON object (`parse()` then reports it)."""
    try:
        document = _json.loads(received.content)
    except ValueError:
        return UNPARSED  # parse() reports the body
    if not isinstance(document, dict):
        return UNPARSED
    for name, header, scope, expiration in operation.header_fields:
        value = received.headers.get(header)
        if not value and scope is not None:
            value = _signed_instead(credential, received, scope.format(id=document.get("id", "")), expiration)
        if value:
            document[name] = value
    return document


def _signed_instead(
    credential: Credential | None, received: Received, scope: str, expiration: str
) -> str | None:
    """The public access token the official SDK signs itself when the server sent none:
    the server's claims header plus one scope, valid for ``expiration``."""
    claims_text = received.headers.get("x-trigger-jwt-claims")
    if not claims_text or credential is None or not credential.signs_tokens:
        return None
    try:
        claims = _json.loads(claims_text)
    except ValueError:
        return None
    if not isinstance(claims, dict):
        return None
    return credential.sign({**claims, "scopes": [scope]}, expiration=expiration)

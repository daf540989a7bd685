# Runtime source of trigger_dev: codegen.py copies it into generated/trigger_dev/ unchanged.
"""Credential kinds, told apart by their prefixes, and a holder that never shows its token."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .._exceptions import InvalidArgumentError
from .._spec import CREDENTIAL_KINDS, FALLBACK_KIND

__all__ = ["KINDS", "LABELS", "Credential", "CredentialKind", "SecretHeaders", "credential_from"]

# Additional secret keys with their own, possibly restricted, scopes: they cannot sign tokens.
_RESTRICTED_KEY = re.compile(r"tr_(dev|stg|prod|preview)_sk_[0-9A-Za-z]{24}")
# Header values that are credentials: shown as "<redacted>" in every repr.
SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "x-trigger-jwt"})


@dataclass(frozen=True, slots=True)
class CredentialKind:
    key: str
    label: str
    prefixes: tuple[str, ...]


KINDS: tuple[CredentialKind, ...] = tuple(CredentialKind(*kind) for kind in CREDENTIAL_KINDS)
"""The credential kinds the API description names, in its order (the README's columns)."""
LABELS: dict[str, str] = {kind.key: kind.label for kind in KINDS}
# A token with none of the known prefixes is treated as this kind (self-hosted installs and
# future key formats), so the server remains the judge.
_FALLBACK = next(kind for kind in KINDS if kind.key == FALLBACK_KIND)


class Credential:
    """A bearer token and its kind. ``repr`` shows the kind and the token's prefix only."""

    __slots__ = ("_token", "kind")

    def __init__(self, token: str, kind: CredentialKind) -> None:
        if any(c in token for c in "\r\n\x00"):
            raise InvalidArgumentError(
                "The credential contains a line break or NUL character; "
                "pass the key exactly as shown in the dashboard."
            )
        self._token = token
        self.kind = kind

    @property
    def authorization(self) -> str:
        return f"Bearer {self._token}"

    @property
    def signs_tokens(self) -> bool:
        """Whether public access tokens can be signed with this credential: an environment's
        root secret key can; restricted keys (``tr_prod_sk_…``) and access tokens cannot."""
        return self.kind.key == "secret_key" and _RESTRICTED_KEY.fullmatch(self._token) is None

    @property
    def is_restricted_key(self) -> bool:
        return _RESTRICTED_KEY.fullmatch(self._token) is not None

    def sign(self, claims: Mapping[str, Any], expiration: Any) -> str:
        """A public access token with ``claims``, signed with this secret key."""
        from .jwt import sign

        return sign(claims, self._token, expiration=expiration)

    def __repr__(self) -> str:
        prefix = next((p for p in self.kind.prefixes if self._token.startswith(p)), "")
        return f"Credential(kind={self.kind.label!r}, token='{prefix}***')"

    __str__ = __repr__


class SecretHeaders(dict[str, str]):
    """Request headers whose ``repr`` never shows a credential.

    Error reporters (Sentry, Django's debug page, rich tracebacks) record the locals of
    the frames an error passed through; the outgoing request is one of them.
    """

    __slots__ = ()

    def __repr__(self) -> str:
        shown = {
            name: "<redacted>" if name.lower() in SECRET_HEADERS else value for name, value in self.items()
        }
        return f"{type(self).__name__}({shown!r})"

    __str__ = __repr__


def kind_of(token: str) -> CredentialKind:
    for kind in KINDS:
        if token.startswith(kind.prefixes):
            return kind
    return _FALLBACK


def credential_from(secret_key: str | None, access_token: str | None) -> Credential | None:
    """The credential to use: explicit arguments first, then the environment.

    A personal access token passed as ``secret_key`` is recognised by its prefix, as the
    official SDK does.
    """
    if secret_key and access_token:
        raise InvalidArgumentError("Pass either secret_key or access_token, not both.")
    token = (
        secret_key
        or access_token
        or os.environ.get("TRIGGER_SECRET_KEY")
        or os.environ.get("TRIGGER_ACCESS_TOKEN")
    )
    if not token:
        return None
    token = token.strip()
    return Credential(token, kind_of(token))

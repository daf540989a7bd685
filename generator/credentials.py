"""Credential kinds, and which of them an operation accepts (the README's credential matrix
is drawn from these in `generator.readme`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from generator.spec import Document, GenerationError


@dataclass(frozen=True)
class CredentialKindView:
    """One credential kind (``x-credential`` on a security scheme)."""

    scheme: str
    kind: str
    label: str
    prefixes: list[str]


def credential_kinds(doc: Document) -> list[CredentialKindView]:
    kinds = []
    for scheme_name in doc.schemes:  # the document's order: it is the README's column order
        credential = doc.schemes[scheme_name].get("x-credential")
        if not credential:
            raise GenerationError(f"security scheme {scheme_name} has no x-credential")
        kinds.append(
            CredentialKindView(
                scheme_name, credential["kind"], credential["label"], list(credential["prefixes"])
            )
        )
    return kinds


def credentials_of(doc: Document, operation: dict[str, Any]) -> list[str]:
    """The credential kinds an operation's ``security`` list accepts."""
    security = operation.get("security", doc.spec.get("security"))
    if security is None:
        raise GenerationError(f"{operation.get('operationId')} has no security list")
    kinds = []
    for requirement in security:
        for scheme in requirement:
            kind = doc.schemes[scheme]["x-credential"]["kind"]
            if kind not in kinds:
                kinds.append(kind)
    return kinds


def kind_label(kind: str) -> str:
    """A credential kind with its article, as prose names it: ``a secret key``."""
    label = kind.replace("_", " ")
    return f"an {label}" if label[:1] in "aeiou" else f"a {label}"

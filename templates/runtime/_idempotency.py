# Runtime source of trigger_dev: codegen.py copies it into generated/trigger_dev/ unchanged.
"""Idempotency keys hashed as the official TypeScript SDK hashes them, so a Python caller
and a TypeScript caller that use the same key deduplicate against each other."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

__all__ = ["hash_idempotency_key", "idempotency_fields"]

_HASH_LENGTH = 64  # a SHA-256 hex digest: such a key is taken as already hashed


def hash_idempotency_key(key: str | Sequence[str]) -> str:
    parts = [key] if isinstance(key, str) else list(key)
    return hashlib.sha256("-".join(parts).encode()).hexdigest()


def idempotency_fields(wire: str, key: Any) -> dict[str, Any]:
    """The trigger option fields for a user's key: the hash, and the key itself for display.

    Outside a running task the official SDK's default scope, ``run``, adds nothing to the
    hashed material, which is the key's parts joined by ``-``.
    """
    if isinstance(key, str) and len(key) == _HASH_LENGTH:
        return {wire: key}
    if not isinstance(key, str) and not (
        isinstance(key, Sequence) and key and all(isinstance(part, str) for part in key)
    ):
        raise TypeError(f"idempotency_key must be a string or a non-empty list of strings, got {key!r:.80}")
    parts = [key] if isinstance(key, str) else list(key)
    if not all(parts):
        raise ValueError("idempotency_key cannot be empty or contain empty parts")
    return {
        wire: hash_idempotency_key(parts),
        "idempotencyKeyOptions": {"key": "-".join(parts), "scope": "run"},
    }

# Copied by codegen.py from templates/runtime/_wire/idempotency.py (sha256 7c336cac1779df7d); edit that file, not this one.
"""Idempotency keys hashed as the official TypeScript SDK hashes them, so a Python caller
and a TypeScript caller that use the same key deduplicate against each other."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any, Literal

from .._exceptions import ArgumentTypeError, InvalidArgumentError

__all__ = [
    "AsyncIdempotencyKeyHelpers",
    "IdempotencyKeyHelpers",
    "hash_idempotency_key",
    "idempotency_fields",
    "user_key_hash",
]

_HASH_LENGTH = 64  # a SHA-256 hex digest: such a key is taken as already hashed


def hash_idempotency_key(key: str | Sequence[str]) -> str:
    parts = [key] if isinstance(key, str) else list(key)
    return hashlib.sha256("-".join(parts).encode()).hexdigest()


def user_key_hash(key: Any) -> str:
    """The hash a trigger sends for a user's key (a string or a list of parts); a 64-character
    string is taken as already hashed."""
    if isinstance(key, str) and len(key) == _HASH_LENGTH:
        return key
    return hash_idempotency_key(_trigger_parts(key))


def _parts(key: Any, name: str = "") -> list[str]:
    """The parts of a key, as the official SDK takes them: a string, or a list of strings
    (empty ones included: ``["charge", ""]`` is hashed from ``charge-``, as TypeScript does).
    Errors name the value ``name`` (a Python argument), or no one when an encoder's caller
    puts the argument's name in front."""
    if isinstance(key, str):
        return [key]
    if isinstance(key, Sequence) and all(isinstance(part, str) for part in key):
        return list(key)
    prefix = f"{name} " if name else ""
    raise ArgumentTypeError(f"{prefix}must be a string or a list of strings, got {key!r:.80}")


def _trigger_parts(key: Any) -> list[str]:
    if key == "":
        # The official SDK sends no key at all for an empty string; saying so beats guessing.
        raise InvalidArgumentError(
            "cannot be empty: the official SDK takes an empty string as no key at all; pass None "
            "to trigger without one"
        )
    return _parts(key)


def idempotency_fields(wire: str, key: Any) -> dict[str, Any]:
    """The trigger option fields for a user's key: the hash, and the key itself for display.

    Outside a running task the official SDK's default scope, ``run``, adds nothing to the
    hashed material, which is the key's parts joined by ``-``.
    """
    if isinstance(key, str) and len(key) == _HASH_LENGTH:
        return {wire: key}
    parts = _trigger_parts(key)
    return {
        wire: hash_idempotency_key(parts),
        "idempotencyKeyOptions": {"key": "-".join(parts), "scope": "run"},
    }


class IdempotencyKeyHelpers:
    """``idempotency_keys.create``: mixed into the ``idempotency_keys`` namespaces."""

    __slots__ = ()

    def create(
        self,
        key: str | Sequence[str],
        *,
        scope: Literal["run", "attempt", "global"] = "run",
        run_id: str | None = None,
        attempt_number: int | None = None,
    ) -> str:
        """The idempotency key the official SDKs' ``idempotencyKeys.create`` gives for ``key``.

        Pass the result as a trigger's ``idempotency_key`` (a 64-character key is sent as
        it is), store it, or give it to a TypeScript service: the same key and scope give
        the same hash there, so both de-duplicate against each other.

        Inside a task the official SDK adds the run (``scope="run"``, its default) or the run
        and attempt (``"attempt"``) to the key; a backend has no such context, so those
        scopes add nothing unless ``run_id`` (and for ``"attempt"`` ``attempt_number``) say
        which run to match. ``"global"`` never adds anything.

        Args:
            key: A string, or a list of strings joined with ``-``.
            scope: ``"run"``, ``"attempt"`` or ``"global"``.
            run_id: The run (``run_…``) whose task made the key, for the ``run`` and
                ``attempt`` scopes.
            attempt_number: The attempt that made it, for the ``attempt`` scope.
        """
        parts = _parts(key, "idempotency_keys.create() argument 'key'")
        if scope not in ("run", "attempt", "global"):
            raise InvalidArgumentError(f"scope must be 'run', 'attempt' or 'global', got {scope!r}")
        if scope == "global" and (run_id is not None or attempt_number is not None):
            raise InvalidArgumentError(
                "a 'global' key adds no run or attempt: drop run_id and attempt_number"
            )
        if scope == "run" and attempt_number is not None:
            raise InvalidArgumentError("attempt_number applies to scope='attempt' only")
        if scope == "attempt" and (run_id is None) != (attempt_number is None):
            raise InvalidArgumentError("scope='attempt' needs both run_id and attempt_number, or neither")
        if run_id is not None:
            parts.append(run_id)
        if attempt_number is not None:
            if isinstance(attempt_number, bool) or not isinstance(attempt_number, int) or attempt_number < 1:
                raise InvalidArgumentError(
                    f"attempt_number must be a whole number from 1, got {attempt_number!r}"
                )
            parts.append(str(attempt_number))
        return hash_idempotency_key(parts)


class AsyncIdempotencyKeyHelpers(IdempotencyKeyHelpers):
    """The same helpers on the async client: computing a key needs no I/O, so nothing is awaited."""

    __slots__ = ()

# Runtime source of trigger_dev: codegen.py copies it into generated/trigger_dev/ unchanged.
"""Encoders that turn Python argument values into the values the server reads.

Each encoder is ``(wire_name, value) -> {wire_name: wire_value, ...}``; the API description
names the non-obvious ones with ``x-sdk-encode``. An encoder's `TypeError` or `ValueError`
says what is wrong without naming the value ("must be a timezone-aware datetime"), or starts
with the Python path inside it (``['debounce']['key'] must be a string``): the caller knows
the Python argument's name and puts it in front (`subject`). Wire names never appear in them.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .._exceptions import ArgumentTypeError, InvalidArgumentError
from .idempotency import idempotency_fields, user_key_hash
from .operation import Encoder, plain
from .validation import Check, Schema, compile_schema

__all__ = [
    "Field",
    "boolean",
    "csv",
    "delay",
    "epoch_ms",
    "hashed_idempotency_key",
    "idempotency_key",
    "instant",
    "nested",
    "queue",
    "queue_path",
    "subject",
    "text",
]


def subject(name: str, message: str) -> str:
    """An encoder's error ``message`` about the value called ``name`` (a Python path)."""
    if not name:
        return message
    return f"{name}{message}" if message.startswith("[") else f"{name} {message}"


def text(wire: str, value: Any) -> Mapping[str, Any]:
    return {wire: _scalar_text(value)}


def boolean(wire: str, value: Any) -> Mapping[str, Any]:
    return {wire: "true" if value else "false"}


def csv(wire: str, value: Any) -> Mapping[str, Any]:
    """A list sent as one comma-joined value (``filter[status]=QUEUED,EXECUTING``)."""
    items = [value] if isinstance(value, str) else list(value)
    return {wire: ",".join(_scalar_text(item) for item in items)}


def epoch_ms(wire: str, value: Any) -> Mapping[str, Any]:
    """A timezone-aware datetime, or epoch milliseconds, as an epoch-milliseconds string."""
    if isinstance(value, datetime.datetime):
        return {wire: str(round(_aware(value).timestamp() * 1000))}
    return {wire: str(int(value))}


def instant(wire: str, value: Any) -> Mapping[str, Any]:
    """A timezone-aware datetime, or epoch milliseconds, as an ISO 8601 UTC string: the form
    every route that takes a point in time in a JSON body reads."""
    if isinstance(value, datetime.datetime):
        moment = _aware(value)
    else:
        moment = datetime.datetime.fromtimestamp(int(value) / 1000, tz=datetime.timezone.utc)
    return {
        wire: moment.astimezone(datetime.timezone.utc)
        .isoformat(timespec="milliseconds")
        .replace("+00:00", "Z")
    }


def delay(wire: str, value: Any) -> Mapping[str, Any]:
    """A duration string (``"1h30m"``), a `timedelta`, or a timezone-aware datetime."""
    if isinstance(value, datetime.datetime):
        return {wire: _aware(value).astimezone(datetime.timezone.utc).isoformat()}
    if isinstance(value, datetime.timedelta):
        seconds = value.total_seconds()
        if seconds < 1 or seconds != int(seconds):
            raise InvalidArgumentError(
                f"must be a whole number of seconds, at least 1, as a timedelta; got {value}"
            )
        return {wire: f"{int(seconds)}s"}
    return {wire: value}


def queue(wire: str, value: Any) -> Mapping[str, Any]:
    """A queue name; the server wants ``{"name": ...}``."""
    if isinstance(value, Mapping):
        return {wire: dict(value)}
    return {wire: {"name": value}}


def idempotency_key(wire: str, value: Any) -> Mapping[str, Any]:
    return idempotency_fields(wire, value)


def hashed_idempotency_key(wire: str, value: Any) -> Mapping[str, Any]:
    """A key as a user passed it to a trigger, turned into the hash the runs carry."""
    return {wire: user_key_hash(value)}


def queue_path(wire: str, value: Any) -> Mapping[str, Any]:
    """A queue id or name for the queue routes' path.

    The server decodes the segment, turns a literal ``%2F`` back into ``/``, and decodes a
    task or custom name once more. So ``%`` and ``/`` are escaped once here, and the path
    escaping escapes the result again: any name arrives intact (the official SDK escapes
    only ``/``, so a name with ``%`` fails there). Ids hold neither character.
    """
    text = _scalar_text(value)
    return {wire: text.replace("%", "%25").replace("/", "%2F")}


@dataclass(frozen=True, slots=True)
class Field:
    """One key of an options dict: its wire name, constraints and encoder."""

    wire: str
    schema: Schema | None = None
    encode: Encoder = plain
    check: Check | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "check", compile_schema(self.schema) if self.schema else None)


def to_wire(value: Any, fields: Mapping[str, Field], where: str) -> dict[str, Any]:
    """An options dict with snake_case keys, checked and turned into the wire object.

    ``where`` is the dict's Python path for the error messages (``"tasks.batch_trigger()
    items[0]['options']"``); empty inside another dict's encoder, whose caller adds it.
    """
    if not isinstance(value, Mapping):
        raise ArgumentTypeError(subject(where, f"must be a dict, got {type(value).__name__}"))
    wire: dict[str, Any] = {}
    for key, item in value.items():
        known = fields.get(key)
        if known is None:
            raise ArgumentTypeError(
                subject(
                    where,
                    f"has no key {key!r}; valid keys are: {', '.join(sorted(fields))}. A field "
                    "this version of the SDK does not know yet can be sent with "
                    "request_options={'extra_body': {...}}, under its wire name",
                )
            )
        if item is None:
            continue
        if known.check is not None:
            known.check(item, lambda key=key: f"{where}[{key!r}]")  # type: ignore[misc]
        try:
            wire.update(known.encode(known.wire, item))
        except (TypeError, ValueError) as exc:
            kind = ArgumentTypeError if isinstance(exc, TypeError) else InvalidArgumentError
            raise kind(subject(f"{where}[{key!r}]", str(exc))) from None
    return wire


def nested(fields: Mapping[str, Field]) -> Encoder:
    """The encoder of an options dict inside another (trigger options' ``debounce``)."""

    def encode(wire: str, value: Any) -> Mapping[str, Any]:
        return {wire: to_wire(value, fields, "")}

    return encode


def list_of(fields: Mapping[str, Field]) -> Encoder:
    def encode(wire: str, value: Any) -> Mapping[str, Any]:
        return {wire: [to_wire(item, fields, f"[{i}]") for i, item in enumerate(value)]}

    return encode


def _aware(value: datetime.datetime) -> datetime.datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidArgumentError(
            "must be a timezone-aware datetime (for example "
            "datetime.now(timezone.utc)); a naive datetime's instant is ambiguous"
        )
    return value


def _scalar_text(value: Any) -> str:
    if type(value) is str:
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    value = getattr(value, "value", value)  # enum members
    if isinstance(value, Sequence) and not isinstance(value, str):
        raise ArgumentTypeError(f"must be a single value, got {value!r:.80}")
    return str(value)

# Runtime source of trigger_dev: codegen.py copies it into generated/trigger_dev/ unchanged.
"""Checks a call's arguments against the constraints the API description states, so a
mistake is reported before anything is sent. Covers the subset of JSON Schema our
description uses for inputs: type, enum, bounds, lengths, item counts and patterns.

Each schema is compiled once, when the operation tables are built, into the few checks it
needs; a call then runs only those."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from .._exceptions import ArgumentTypeError, InvalidArgumentError

__all__ = ["Check", "Schema", "check_seconds", "compile_schema"]

Schema = Mapping[str, Any]
Where = Callable[[], str]
"""Names the value being checked; called only to write an error message."""
Check = Callable[[Any, Where], None]

_TYPE_CHECKS: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "array": (list, tuple),
    "object": (Mapping,),
}
_TYPE_NAMES = {
    "string": "a string", "integer": "an int", "number": "a number", "boolean": "a bool",
    "array": "a list", "object": "a dict", "null": "None",
}  # fmt: skip
_ACCEPTED_NAMES = {"datetime": "a datetime", "timedelta": "a timedelta", "string-list": "a list of strings"}


def check_seconds(value: object, described: str, *, optional: bool = False) -> None:
    """Refuse a duration argument that is not a positive number of seconds (nor None, when
    ``optional``); ``described`` names it as the caller wrote it (``runs.poll() interval``)."""
    if value is None and optional:
        return
    not_a_number = isinstance(value, bool) or not isinstance(value, (int, float))
    if not_a_number or not value > 0:  # type: ignore[operator]
        error = ArgumentTypeError if not_a_number else InvalidArgumentError
        raise error(
            f"{described} must be a positive number of seconds{' or None' if optional else ''}, got {value!r}"
        )


def compile_schema(schema: Schema) -> Check:
    """One function that raises `TypeError` or `ValueError` when a value breaks ``schema``."""
    checks = [
        check
        for check in (
            _type_check(schema),
            _enum_check(schema),
            _bounds_check(schema),
            _string_check(schema),
            _array_check(schema),
        )
        if check is not None
    ]
    if len(checks) == 1:
        return checks[0]

    def check_all(value: Any, where: Where) -> None:
        for check in checks:
            check(value, where)

    return check_all


def _type_check(schema: Schema) -> Check | None:
    types = schema.get("type")
    if types is None:
        return None
    allowed = (types,) if isinstance(types, str) else tuple(types)
    accepts = schema.get("x-accepts", ())
    exact = str if allowed == ("string",) else None  # the common case, checked first
    expected = schema.get("x-type-hint") or " or ".join(
        [_TYPE_NAMES.get(t, t) for t in allowed] + [_ACCEPTED_NAMES[a] for a in accepts]
    )

    def check(value: Any, where: Where) -> None:
        if type(value) is exact or any(_is(value, t) for t in allowed) or _accepted_extra(value, accepts):
            return
        raise ArgumentTypeError(f"{where()} must be {expected}, got {type(value).__name__} {value!r:.80}")

    return check


def _enum_check(schema: Schema) -> Check | None:
    enum = schema.get("enum")
    if enum is None:
        return None
    allowed = frozenset(enum)

    def check(value: Any, where: Where) -> None:
        if getattr(value, "value", value) not in allowed:
            raise InvalidArgumentError(
                f"{where()} must be one of {', '.join(map(repr, enum))}; got {value!r:.80}"
            )

    return check


def _bounds_check(schema: Schema) -> Check | None:
    low, high = schema.get("minimum"), schema.get("maximum")
    above = schema.get("exclusiveMinimum")
    if low is None and high is None and above is None:
        return None

    def check(value: Any, where: Where) -> None:
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            return
        if above is not None and value <= above:
            raise InvalidArgumentError(f"{where()} must be more than {above}, got {value}")
        if low is not None and value < low:
            raise InvalidArgumentError(f"{where()} must be at least {low}, got {value}")
        if high is not None and value > high:
            raise InvalidArgumentError(f"{where()} must be at most {high}, got {value}")

    return check


def _string_check(schema: Schema) -> Check | None:
    shortest, longest = schema.get("minLength"), schema.get("maxLength")
    pattern = re.compile(schema["pattern"]) if "pattern" in schema else None
    if shortest is None and longest is None and pattern is None:
        return None
    hint = schema.get("x-hint", f"a string matching {schema.get('pattern')}")

    def check(value: Any, where: Where) -> None:
        if not isinstance(value, str):
            return
        if longest is not None and len(value) > longest:
            raise InvalidArgumentError(f"{where()} must be at most {longest} characters, got {len(value)}")
        if shortest is not None and len(value) < shortest:
            raise InvalidArgumentError(f"{where()} must be at least {shortest} characters, got {len(value)}")
        if pattern is not None and not pattern.search(value):
            raise InvalidArgumentError(f"{where()} must be {hint}; got {value!r:.80}")

    return check


def _array_check(schema: Schema) -> Check | None:
    fewest, most = schema.get("minItems"), schema.get("maxItems")
    items = compile_schema(schema["items"]) if schema.get("items") else None
    if fewest is None and most is None and items is None:
        return None

    def check(value: Any, where: Where) -> None:
        if not isinstance(value, (list, tuple)):
            return
        if most is not None and len(value) > most:
            raise InvalidArgumentError(f"{where()} takes at most {most} items, got {len(value)}")
        if fewest is not None and len(value) < fewest:
            raise InvalidArgumentError(f"{where()} needs at least {fewest} items, got {len(value)}")
        if items is not None:
            for index, item in enumerate(value):
                items(item, lambda index=index: f"{where()}[{index}]")  # type: ignore[misc]

    return check


def _is(value: Any, type_name: str) -> bool:
    if type_name == "null":
        return value is None
    if type_name in ("integer", "number") and isinstance(value, bool):
        return False
    return isinstance(value, _TYPE_CHECKS.get(type_name, object))


def _accepted_extra(value: Any, accepts: Sequence[str]) -> bool:
    # Arguments the SDK converts before sending (datetimes, a list of key parts).
    if "datetime" in accepts and isinstance(value, datetime.datetime):
        return True
    if "timedelta" in accepts and isinstance(value, datetime.timedelta):
        return True
    return "string-list" in accepts and isinstance(value, Sequence) and not isinstance(value, str)

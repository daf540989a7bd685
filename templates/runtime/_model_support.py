# Runtime source of trigger_dev: codegen.py copies it into generated/trigger_dev/ unchanged.
"""What generated models use to read wire values (checking them) and write them back."""

from __future__ import annotations

import datetime
import enum
import sys
from collections.abc import Callable, Mapping
from typing import Any, ClassVar, TypeVar

from ._exceptions import SchemaError

__all__ = [
    "Model",
    "SchemaError",
    "StrEnum",
    "as_any",
    "as_bool",
    "as_datetime",
    "as_float",
    "as_float_coerced",
    "as_int",
    "as_int_coerced",
    "as_object",
    "as_str",
    "enum_reader",
    "list_reader",
    "nullable",
    "union_reader",
    "write_datetime",
]

T = TypeVar("T")
E = TypeVar("E", bound=enum.Enum)
ModelT = TypeVar("ModelT", bound="Model")
Reader = Callable[[Any], T]


class Model:
    """The base of every result type: a decoded JSON object, read field by field on access.

    Reading a response only checks that it is an object with the required fields; each field
    is converted (and its type checked) the first time it is read, so a page of a hundred
    runs costs little more than decoding its JSON.
    """

    __slots__ = ("_cache", "_data")
    _REQUIRED: ClassVar[frozenset[str]] = frozenset()
    _KNOWN: ClassVar[frozenset[str]] = frozenset()
    _SENSITIVE: ClassVar[frozenset[str]] = frozenset()  # attributes masked in repr
    _data: dict[str, Any]
    _cache: dict[str, Any] | None

    @classmethod
    def from_dict(cls: type[ModelT], src: Mapping[str, Any]) -> ModelT:
        """Read the wire form (copied); `SchemaError` when it is not an object with the
        required fields."""
        if not isinstance(src, Mapping):
            raise SchemaError(f"expected an object, got {type(src).__name__}")
        return cls._from_wire(dict(src))

    @classmethod
    def _from_wire(cls: type[ModelT], data: Any) -> ModelT:
        # A decoded JSON object is wrapped as it is: nothing else holds it.
        if type(data) is not dict:
            raise _fail("an object", data)
        missing = cls._REQUIRED.difference(data)  # looks each name up with its stored hash
        if missing:
            raise SchemaError("required field is missing", [min(missing)])
        model = object.__new__(cls)
        model._data = data
        model._cache = None
        return model

    def _read(self, key: str, reader: Reader[T], optional: bool = False, default: Any = None) -> T:
        """The field ``key`` converted by ``reader``; conversions that build objects are cached.

        An optional field that is absent or null reads as ``default``.
        """
        cache = self._cache
        if cache is not None and key in cache:
            return cache[key]  # type: ignore[no-any-return]
        value = self._data.get(key)
        if value is None and optional:
            return default  # type: ignore[no-any-return]
        try:
            result = reader(value)
        except SchemaError as exc:
            exc.path.insert(0, f"{type(self).__name__}.{key}")
            raise
        if reader not in _CHEAP_READERS:
            if cache is None:
                self._cache = cache = {}
            cache[key] = result
        return result

    @property
    def additional_properties(self) -> dict[str, Any]:
        """Fields the server sent that this version of the SDK does not know."""
        return {k: _copy(v) for k, v in self._data.items() if k not in self._KNOWN}

    def to_dict(self) -> dict[str, Any]:
        """The wire form, unknown fields included (a copy)."""
        return {k: _copy(v) for k, v in self._data.items()}

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self._data == other._data

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        fields = []
        for name in dir(type(self)):
            if isinstance(getattr(type(self), name, None), property) and name != "additional_properties":
                try:
                    value = getattr(self, name)
                except SchemaError:
                    value = "<unreadable>"
                if value is not None:
                    fields.append(f"{name}='***'" if name in self._SENSITIVE else f"{name}={value!r}")
        return f"{type(self).__name__}({', '.join(fields)})"


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


class StrEnum(str, enum.Enum):
    """A known enum value: equal to its wire string, and printed as it."""

    def __str__(self) -> str:
        return str(self.value)


def _fail(expected: str, value: Any) -> SchemaError:
    return SchemaError(f"expected {expected}, got {type(value).__name__} {value!r:.60}")


def as_any(value: Any) -> Any:
    return value


def as_str(value: Any) -> str:
    if isinstance(value, str):
        return value
    raise _fail("a string", value)


def as_int(value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    raise _fail("an integer", value)


def as_float(value: Any) -> float:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    raise _fail("a number", value)


def as_int_coerced(value: Any) -> int:
    """An integer, also from a numeric string: the official SDK coerces these fields."""
    if isinstance(value, str):
        try:
            return as_int(float(value.strip()) if value.strip() else value)
        except ValueError:
            pass
    return as_int(value)


def as_float_coerced(value: Any) -> float:
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            pass
    return as_float(value)


def as_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    raise _fail("a boolean", value)


def as_object(value: Any) -> dict[str, Any]:
    if isinstance(value, dict):
        return value
    raise _fail("an object", value)


if sys.version_info >= (3, 11):
    _fromisoformat = datetime.datetime.fromisoformat
else:  # 3.10 reads neither a trailing Z nor every fraction length

    def _fromisoformat(text: str) -> datetime.datetime:
        if text.endswith(("Z", "z")):
            text = text[:-1] + "+00:00"
        head, dot, rest = text.partition(".")
        if dot:
            digits = len(rest) - len(rest.lstrip("0123456789"))
            fraction = rest[:digits][:6].ljust(6, "0")
            text = f"{head}.{fraction}{rest[digits:]}"
        return datetime.datetime.fromisoformat(text)


def as_datetime(value: Any) -> datetime.datetime:
    """An ISO 8601 string; also epoch milliseconds, which the official SDK's dates accept."""
    if isinstance(value, str):
        try:
            return _fromisoformat(value)
        except ValueError:
            pass
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            return datetime.datetime.fromtimestamp(value / 1000, datetime.timezone.utc)
        except (OverflowError, OSError, ValueError):
            pass
    raise _fail("an ISO 8601 date-time", value)


def write_datetime(value: datetime.datetime) -> str:
    """The wire form the server itself writes: UTC with milliseconds and ``Z``."""
    if value.tzinfo is not None:
        value = value.astimezone(datetime.timezone.utc)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def enum_reader(enum_class: type[E]) -> Reader[E | str]:
    """Known values become members; unknown strings are kept as they are (open enums)."""
    members: dict[Any, E] = {member.value: member for member in enum_class}

    def read(value: Any) -> E | str:
        member = members.get(value)
        if member is not None:
            return member
        if isinstance(value, str):
            return value
        raise _fail(f"a {enum_class.__name__} string", value)

    return read


def list_reader(item: Reader[T]) -> Reader[list[T]]:
    owner = getattr(item, "__self__", None)
    if isinstance(owner, type) and issubclass(owner, Model) and getattr(item, "__func__", None) is _FROM_WIRE:
        return _model_list_reader(owner)  # type: ignore[return-value]

    def read(value: Any) -> list[T]:
        if not isinstance(value, list):
            raise _fail("an array", value)
        try:
            return [item(element) for element in value]
        except SchemaError:
            _locate(item, value)
            raise

    return read


def _model_list_reader(cls: type[ModelT]) -> Reader[list[ModelT]]:
    """`list_reader` of `Model._from_wire`, inlined: a page's items are most of what an
    export reads, so the per-item work is kept to the checks themselves."""
    required = cls._REQUIRED
    missing_from = required.difference
    new = object.__new__

    def read(value: Any) -> list[ModelT]:
        if not isinstance(value, list):
            raise _fail("an array", value)
        # Both checks run in C over the whole page: items are objects, and none lacks a
        # required field (`difference` looks each name up with its stored hash).
        check = missing_from
        if value and type(value[0]) is dict:
            # The page's own key objects (a decoder makes one per distinct name and page):
            # looking them up in the other items matches by identity, without comparing text.
            names = frozenset(key for key in value[0] if key in required)
            if len(names) == len(required):
                check = names.difference
        if not _ONLY_DICTS.issuperset(map(type, value)) or any(map(check, value)):
            _locate(cls._from_wire, value)
        result = []
        for element in value:
            model = new(cls)
            model._data = element
            model._cache = None
            result.append(model)
        return result

    return read


_ONLY_DICTS = frozenset({dict})


def _locate(item: Reader[Any], value: list[Any]) -> None:
    """Raise the item's `SchemaError` with its index in the path."""
    for index, element in enumerate(value):
        try:
            item(element)
        except SchemaError as exc:
            exc.path.insert(0, f"[{index}]")
            raise


def nullable(reader: Reader[T]) -> Reader[T | None]:
    def read(value: Any) -> T | None:
        return None if value is None else reader(value)

    return read


def union_reader(*readers: Reader[Any]) -> Reader[Any]:
    """The first reading that succeeds (``string | integer`` style unions)."""

    def read(value: Any) -> Any:
        for reader in readers:
            try:
                return reader(value)
            except SchemaError:
                continue
        raise _fail("a value of one of the allowed types", value)

    return read


# Readers that build no new object: re-running them is cheaper than caching their result.
_CHEAP_READERS: frozenset[Reader[Any]] = frozenset(
    {as_any, as_str, as_int, as_int_coerced, as_float, as_float_coerced, as_bool, as_object}
)


_FROM_WIRE = Model._from_wire.__func__  # type: ignore[attr-defined]

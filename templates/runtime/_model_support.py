# Runtime source of trigger_dev: codegen.py copies it into generated/trigger_dev/ unchanged.
"""What generated models use to read wire values (checking them) and write them back."""

from __future__ import annotations

import datetime
import enum
import json
import sys
from collections.abc import Callable, Iterator, Mapping
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

    A model is also a pydantic (v2) type, when pydantic is installed: a field of a
    ``BaseModel``, a `TypeAdapter`'s type or a FastAPI endpoint's result, validated from its
    wire form and serialised to it. ``dict(model)`` is `to_dict()`, as ``dict()`` of a pydantic
    model gives its fields; that is how FastAPI's ``jsonable_encoder`` reads it.
    """

    __slots__ = ("_cache", "_data")
    _REQUIRED: ClassVar[frozenset[str]] = frozenset()
    _KNOWN: ClassVar[frozenset[str]] = frozenset()
    _SENSITIVE: ClassVar[frozenset[str]] = frozenset()  # attributes masked in repr
    # Wire name -> attribute name of every known field, for `to_dict(use_api_names=False)`.
    _PYTHON_NAMES: ClassVar[Mapping[str, str]] = {}
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

    def to_dict(self, *, use_api_names: bool = True) -> dict[str, Any]:
        """The wire form, unknown fields included (a copy).

        With ``use_api_names=False`` the keys are the attribute names (``task_identifier``
        rather than ``taskIdentifier``), in nested models too. Values stay as on the wire
        (dates are strings, enums their strings); unknown fields, and the keys of free-form
        objects such as ``metadata``, keep their names.
        """
        if use_api_names:
            return {k: _copy(v) for k, v in self._data.items()}
        return self._python_named()

    def to_json(self, *, use_api_names: bool = True, indent: int | None = None) -> str:
        """`to_dict()` as JSON text: compact unless ``indent`` is given, non-ASCII characters
        kept as they are (encode the text as UTF-8 to send it)."""
        data = self._data if use_api_names else self._python_named()
        separators = (",", ":") if indent is None else (",", ": ")
        return json.dumps(data, ensure_ascii=False, allow_nan=False, indent=indent, separators=separators)

    def __iter__(self) -> Iterator[tuple[str, Any]]:
        """The items of `to_dict()`, so that ``dict(model)`` is the wire form."""
        return iter(self.to_dict().items())

    def _python_named(self) -> dict[str, Any]:
        names = self._PYTHON_NAMES
        result: dict[str, Any] = {}
        for key, value in self._data.items():
            name = names.get(key)
            if name is None:
                result.setdefault(key, _copy(value))  # a known field's name wins over an unknown one
            elif isinstance(value, (dict, list)):
                # The attribute says which parts are models (unions and maps included); a value
                # of the wrong type is copied as it is, as `to_dict()` would.
                try:
                    read = getattr(self, name)
                except SchemaError:
                    read = None
                result[name] = _python_named(read, value)
            else:
                result[name] = value
        return result

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        """The model as a pydantic (v2) type: an instance is taken as it is and a mapping is
        read with `from_dict`; it serialises to its wire form. Only pydantic calls this, so
        pydantic stays an optional dependency."""
        from pydantic_core import PydanticCustomError, core_schema

        def validate(value: Any) -> Model:
            if isinstance(value, cls):
                return value
            if isinstance(value, Mapping):
                try:
                    return cls.from_dict(value)
                except SchemaError as exc:
                    raise PydanticCustomError(
                        "trigger_dev_model",
                        "not the wire form of {model}: {error}",
                        {"model": cls.__name__, "error": str(exc)},
                    ) from None
            raise PydanticCustomError(
                "trigger_dev_model_type",
                "expected {model} or its wire form (a dict), got {type}",
                {"model": cls.__name__, "type": type(value).__name__},
            )

        validate.__name__ = validate.__qualname__ = cls.__name__  # pydantic's name for the schema
        return core_schema.no_info_plain_validator_function(
            validate,
            ref=f"{cls.__module__}.{cls.__qualname__}:{id(cls)}",
            serialization=core_schema.plain_serializer_function_ser_schema(
                _serialize,
                info_arg=True,
                return_schema=core_schema.dict_schema(core_schema.str_schema(), core_schema.any_schema()),
            ),
        )

    @classmethod
    def __get_pydantic_json_schema__(cls, schema: Any, handler: Any) -> dict[str, Any]:
        """The JSON schema of the wire form, for pydantic and FastAPI's OpenAPI document: the
        known fields by their wire names, those the server always sends as required, and any
        other field allowed. The fields' types are not stated."""
        properties: dict[str, Any] = {}
        for wire, name in cls._PYTHON_NAMES.items():
            doc = " ".join((getattr(getattr(cls, name, None), "__doc__", None) or "").split())
            properties[wire] = {"description": doc} if doc and doc != f"`{wire}` on the wire." else {}
        result: dict[str, Any] = {"title": cls.__name__, "type": "object", "properties": properties}
        required = [wire for wire in cls._PYTHON_NAMES if wire in cls._REQUIRED]
        if required:
            result["required"] = required
        result["additionalProperties"] = True
        description = (cls.__doc__ or "").strip().split("\n\n")[0]
        if description and description != cls.__name__:
            result["description"] = " ".join(description.split())
        return result

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


def _python_named(read: Any, wire: Any) -> Any:
    """``wire`` with the models in it (as ``read``, the attribute, has them) python-named."""
    if isinstance(read, Model) and read._data is wire:
        return read._python_named()
    if isinstance(read, list) and isinstance(wire, list) and len(read) == len(wire):
        return [_python_named(r, w) for r, w in zip(read, wire, strict=True)]
    if isinstance(read, dict) and isinstance(wire, dict) and read is not wire:
        return {k: _python_named(read.get(k), v) for k, v in wire.items()}
    return _copy(wire)


def _serialize(model: Any, info: Any) -> Any:
    if not isinstance(model, Model):
        return model
    # JSON mode writes the dict out at once; a dict handed to the caller is theirs to change.
    return model._data if info.mode_is_json() else model.to_dict()


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

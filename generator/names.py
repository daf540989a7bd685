"""Python names for wire names, and small readers of parsed properties."""

from __future__ import annotations

import keyword
from typing import Any

from openapi_python_client import strings
from openapi_python_client.parser.properties.model_property import ModelProperty

from generator.spec import GenerationError

# Names a generated class body or module uses itself; a field by one of these names would hide it.
RESERVED_NAMES = frozenset(
    {
        "list",
        "dict",
        "str",
        "int",
        "float",
        "bool",
        "datetime",
        "Any",
        "wire",
        "from_dict",
        "to_dict",
        "additional_properties",
    }
)


def python_name(name: str) -> str:
    """snake_case of a wire name, with ``_`` added only where the name would not work as is."""
    result = strings.snake_case(name)
    if keyword.iskeyword(result) or result in RESERVED_NAMES:
        result += "_"
    if not result.isidentifier():
        raise GenerationError(f"{name!r} gives no Python identifier; set x-python-name")
    return result


def wire_name(prop: Any) -> str:
    return str(prop.name.get_untrusted_value())


def text_of(value: Any) -> str:
    if value is None:
        return ""
    return value.get_untrusted_value() if hasattr(value, "get_untrusted_value") else str(value)


def properties_of(model: ModelProperty) -> list[Any]:
    return [*(model.required_properties or []), *(model.optional_properties or [])]

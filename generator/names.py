"""Python names for wire names: as identifiers, and where prose mentions them."""

from __future__ import annotations

import keyword
import re
from collections.abc import Mapping

from generator.openapi_parser import snake_case
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
    result = snake_case(name)
    if keyword.iskeyword(result) or result in RESERVED_NAMES:
        result += "_"
    if not result.isidentifier():
        raise GenerationError(f"{name!r} gives no Python identifier; set x-python-name")
    return result


# A name (or any text) in single backticks within a description.
TICKED = re.compile(r"`([^`\n]+)`")


def translate(text: str, words: Mapping[str, str]) -> str:
    """``text`` with every `wire name` of ``words`` in single backticks replaced by its
    Python name; a `name: value` keeps the value (`isCached: true` -> `is_cached` true).
    `generator.voice` decides which words each description may use."""

    def swap(match: re.Match[str]) -> str:
        inner = match.group(1)
        if inner in words:
            return _ticked(words[inner])
        name, colon, value = inner.partition(": ")
        if colon and name in words:
            return f"{_ticked(words[name])} {_python_literal(value)}"
        return match.group(0)

    return TICKED.sub(swap, text)


def _ticked(name: str) -> str:
    """A Python name in single backticks; a route (``POST /path``) comes with its own."""
    return name if name.startswith("``") else f"`{name}`"


def _python_literal(value: str) -> str:
    return {"true": "True", "false": "False", "null": "None"}.get(value, f"`{value}`")

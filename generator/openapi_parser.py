"""openapi-python-client, as the generator uses it: the one module that imports it.

The generator reads the spec twice over: as a raw mapping (vendor extensions, security) and
as openapi-python-client's parse of it (models, properties, endpoints). That parse is the
library's internal API, which changes between minor versions, so every name the generator
takes from it is imported here and nowhere else; the rest of `generator` imports them from
this module. `tests/test_generator_adapter.py` pins what the generator relies on (the names,
their attributes, the shape of a parse), so a version bump that changes any of it fails
there first, naming what moved.

The parser's objects are passed on as they are (the generator reads their attributes);
`wire_name`, `text_of` and `properties_of` read the parts whose shape is the library's own
(untrusted strings, split property lists).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openapi_python_client import strings
from openapi_python_client.config import Config, ConfigFile, MetaType
from openapi_python_client.parser import GeneratorData
from openapi_python_client.parser.errors import GeneratorError
from openapi_python_client.parser.openapi import Endpoint
from openapi_python_client.parser.properties.any import AnyProperty
from openapi_python_client.parser.properties.boolean import BooleanProperty
from openapi_python_client.parser.properties.datetime import DateTimeProperty
from openapi_python_client.parser.properties.enum_property import EnumProperty
from openapi_python_client.parser.properties.float import FloatProperty
from openapi_python_client.parser.properties.int import IntProperty
from openapi_python_client.parser.properties.list_property import ListProperty
from openapi_python_client.parser.properties.model_property import ModelProperty
from openapi_python_client.parser.properties.none import NoneProperty
from openapi_python_client.parser.properties.string import StringProperty
from openapi_python_client.parser.properties.union import UnionProperty

__all__ = [
    "PINNED_VERSION",
    "AnyProperty",
    "BooleanProperty",
    "DateTimeProperty",
    "Endpoint",
    "EnumProperty",
    "FloatProperty",
    "GeneratorData",
    "IntProperty",
    "ListProperty",
    "ModelProperty",
    "NoneProperty",
    "ParserProblems",
    "StringProperty",
    "UnionProperty",
    "parse",
    "pascal_case",
    "properties_of",
    "snake_case",
    "text_of",
    "wire_name",
]

# The release this module and its test were last checked against; the `dev` extra in
# pyproject.toml pins the same one.
PINNED_VERSION = "0.29.1"


class ParserProblems(Exception):
    """openapi-python-client refused the document, or parsed it and reported problems."""


def parse(spec: dict[str, Any], path: Path, *, content_type_overrides: dict[str, str]) -> GeneratorData:
    """openapi-python-client's parse of ``spec`` (read from ``path``), with the media types of
    ``content_type_overrides`` read as the ones they map to. Raises `ParserProblems` naming
    every problem the parser reported, since a partial parse would generate a partial client."""
    config = Config.from_sources(
        ConfigFile(content_type_overrides=content_type_overrides),
        MetaType.NONE,
        path,
        "utf-8",
        overwrite=True,
        output_path=None,
    )
    data = GeneratorData.from_dict(spec, config=config)
    if isinstance(data, GeneratorError):
        raise ParserProblems(f"{data.header}: {data.detail}")
    problems = [*data.errors]
    for collection in data.endpoint_collections_by_tag.values():
        problems.extend(collection.parse_errors)
    if problems:
        text = "\n".join(f"- {p.header or ''} {p.detail or ''}".strip() for p in problems)
        raise ParserProblems(f"openapi-python-client reported problems with the spec:\n{text}")
    return data


def snake_case(value: str) -> str:
    """The library's snake_case, the one its parser names endpoints and modules with."""
    return strings.snake_case(value)


def pascal_case(value: str) -> str:
    """The library's PascalCase, the one its parser names classes with."""
    return strings.pascal_case(value)


def wire_name(prop: Any) -> str:
    """A parsed property's name as written in the spec (and sent on the wire)."""
    return str(prop.name.get_untrusted_value())


def text_of(value: Any) -> str:
    """A parsed description (an untrusted string, or None) as plain text."""
    if value is None:
        return ""
    return value.get_untrusted_value() if hasattr(value, "get_untrusted_value") else str(value)


def properties_of(model: ModelProperty) -> list[Any]:
    """A parsed object's properties, the required ones first, each in the spec's order."""
    return [*(model.required_properties or []), *(model.optional_properties or [])]

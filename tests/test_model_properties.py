"""Property-based tests of every generated model, with wire data drawn from the spec's own
schemas plus what a newer server may send: extra fields, enum values the client does not
know, nulls where the spec allows them, optional fields left out."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

import trigger_dev.models as models
from tests.support.clients import SPEC
from trigger_dev import SchemaError
from trigger_dev._model_support import Model, write_datetime

DOCUMENT = YAML(typ="safe").load(SPEC.read_text(encoding="utf-8"))
SCHEMAS: dict[str, Any] = DOCUMENT["components"]["schemas"]
MODEL_NAMES = sorted(name for name in models.__all__ if hasattr(getattr(models, name), "from_dict"))

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=8,
)
dates = st.datetimes(
    min_value=datetime.datetime(2000, 1, 1),
    max_value=datetime.datetime(2100, 1, 1),
    timezones=st.just(datetime.timezone.utc),
).map(write_datetime)


def resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = SCHEMAS[schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def wire_data(schema: dict[str, Any], *, nulls: bool, depth: int = 0) -> st.SearchStrategy[Any]:
    """Values a server following the schema (or a newer one) could send."""
    schema = resolve(schema)
    if "enum" in schema:
        return st.sampled_from(schema["enum"]) | st.text(min_size=1, max_size=12)  # a value added later
    if "oneOf" in schema:
        options = [o for o in schema["oneOf"] if resolve(o).get("type") != "null" or nulls]
        return st.one_of(*(wire_data(option, nulls=nulls, depth=depth) for option in options))
    types = schema.get("type")
    if types is None:
        return json_values
    if isinstance(types, list):
        allowed = [t for t in types if t != "null" or nulls]
        return st.one_of(*(wire_data({**schema, "type": t}, nulls=nulls, depth=depth) for t in allowed))
    if types == "string":
        return dates if schema.get("format") == "date-time" else st.text(max_size=12)
    if types == "integer":
        return st.integers(min_value=-(2**53), max_value=2**53)
    if types == "number":
        return st.integers(min_value=0, max_value=10**6) | st.floats(allow_nan=False, allow_infinity=False)
    if types == "boolean":
        return st.booleans()
    if types == "null":
        return st.none()
    if types == "array":
        if depth > 8:  # a schema that contains itself (a trace's span tree) ends in leaves
            return st.just([])
        return st.lists(wire_data(schema.get("items", {}), nulls=nulls, depth=depth + 1), max_size=2)
    return objects(schema, nulls=nulls, depth=depth + 1)


def objects(schema: dict[str, Any], *, nulls: bool, depth: int = 0) -> st.SearchStrategy[dict[str, Any]]:
    properties = schema.get("properties", {})
    if not properties:
        return st.dictionaries(st.text(max_size=6), json_values, max_size=3)
    required = set(schema.get("required", []))
    known = st.fixed_dictionaries(
        {k: wire_data(v, nulls=nulls, depth=depth) for k, v in properties.items() if k in required},
        optional={
            k: wire_data(v, nulls=nulls, depth=depth) for k, v in properties.items() if k not in required
        },
    )
    extra_keys = st.text(min_size=1, max_size=8).filter(lambda key: key not in properties)
    extras = st.dictionaries(extra_keys, json_values, max_size=2)
    return st.builds(lambda fields, more: {**more, **fields}, known, extras)


def read_everything(value: Any) -> None:
    """Read every field of a model, and of the models inside it."""
    if isinstance(value, Model):
        for name in dir(type(value)):
            if isinstance(getattr(type(value), name, None), property):
                read_everything(getattr(value, name))
    elif isinstance(value, list):
        for item in value:
            read_everything(item)


def test_every_model_has_a_schema() -> None:
    assert MODEL_NAMES and all(name in SCHEMAS for name in MODEL_NAMES)


@pytest.mark.parametrize("name", MODEL_NAMES)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_what_a_server_sends_reads_and_writes_back(name: str, data: st.DataObject) -> None:
    wire = data.draw(objects(SCHEMAS[name], nulls=True), label="wire")
    model = getattr(models, name).from_dict(wire)
    read_everything(model)  # every field the spec allows reads without an error
    assert model.to_dict() == wire  # unknown fields and nulls included


@pytest.mark.parametrize("name", MODEL_NAMES)
@settings(max_examples=25, deadline=None)
@given(value=json_values)
def test_anything_else_raises_only_the_schema_error(name: str, value: Any) -> None:
    try:
        read_everything(getattr(models, name).from_dict(value))
    except SchemaError as error:
        assert str(error)

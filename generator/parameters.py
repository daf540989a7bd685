"""Parameters, body fields and option dicts: the inputs of each route."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from generator.names import python_name
from generator.openapi_parser import (
    Endpoint,
    ListProperty,
    ModelProperty,
    properties_of,
    snake_case,
    wire_name,
)
from generator.spec import Document, GenerationError
from generator.typemap import TypeMap

# Query-string encoders by parameter schema type; body values are sent as JSON as they are.
# Runtime functions an x-sdk-fill may name (trigger_dev._wire.deployment).
FILLS = frozenset({"deployment_defaults"})
QUERY_ENCODERS = {"array": "csv", "boolean": "boolean"}


# What users may pass for a value with a named encoder (x-sdk-encode), and the checks made
# on it before encoding (they replace the schema's, which describe the wire form).
ENCODER_ANNOTATIONS = {
    "idempotency_key": "str | Sequence[str]",
    "queue": "str",
    "delay": "str | datetime.datetime | datetime.timedelta",
    "epoch_ms": "datetime.datetime | int",
    "instant": "datetime.datetime | int",
    "hashed_idempotency_key": "str | Sequence[str]",
    "queue_path": "str",
}


ENCODER_CHECKS: dict[str, dict[str, Any]] = {
    "idempotency_key": {"x-accepts": ["string-list"]},
    "queue": {"type": "string", "minLength": 1},
    "delay": {"x-accepts": ["datetime", "timedelta"]},
    "epoch_ms": {
        "type": "integer",
        "x-accepts": ["datetime"],
        "x-type-hint": "a timezone-aware datetime or epoch milliseconds (an int)",
    },
    "instant": {
        "type": "integer",
        "x-accepts": ["datetime"],
        "x-type-hint": "a timezone-aware datetime or epoch milliseconds (an int)",
    },
    "hashed_idempotency_key": {"x-accepts": ["string-list"]},
    "queue_path": {"type": "string", "minLength": 1},
}


KEPT_CONSTRAINTS = (
    "type", "enum", "minimum", "maximum", "exclusiveMinimum", "minLength", "maxLength", "pattern", "minItems", "maxItems", "x-hint",
    "x-type-hint",
)  # fmt: skip


@dataclass
class ParamView:
    wire: str
    python: str
    location: str
    required: bool
    annotation: str
    description: str
    schema: dict[str, Any] | None
    encoder: str
    shared: str | None = None  # the constant of a parameter defined once in components.parameters
    segments: bool = False  # a path value that may hold "/", each part its own segment
    fill: str | None = None  # x-sdk-fill: a runtime function that fills the value from the environment


@dataclass
class InputFieldView:
    key: str
    wire: str
    annotation: str
    description: str
    schema: dict[str, Any] | None
    encoder: str


@dataclass
class InputTypeView:
    name: str
    description: str
    fields: list[InputFieldView]

    @property
    def table(self) -> str:
        return f"{snake_case(self.name).upper()}_FIELDS"


class ParameterBuilder:
    """A route's parameters and body fields as Python arguments, and the options dicts
    (TypedDicts) users pass inside bodies."""

    def __init__(self, doc: Document, types: TypeMap) -> None:
        self.doc = doc
        self.types = types
        self.input_types: dict[str, InputTypeView] = {}
        self.input_order: list[InputTypeView] = []  # dependencies before their users

    def param(self, raw: dict[str, Any], endpoint: Endpoint) -> ParamView:
        param = self.doc.resolve(raw)
        wire = param["name"]
        location = param["in"]
        if location not in ("path", "query"):
            raise GenerationError(f"{endpoint.name}: {location} parameters are not supported ({wire})")
        parsed = {wire_name(p): p for p in [*endpoint.path_parameters, *endpoint.query_parameters]}[wire]
        schema = self.doc.resolve(param.get("schema", {}))
        encoder = param.get("x-sdk-encode") or (
            "text" if location == "path" else QUERY_ENCODERS.get(schema.get("type"), "text")
        )
        annotation = ENCODER_ANNOTATIONS.get(encoder) or self.types.annotation(parsed, inbound=False)
        reference = raw.get("$ref", "")
        shared = reference.rsplit("/", 1)[-1] if reference.startswith("#/components/parameters/") else None
        if param.get("x-sdk-path") not in (None, "segments"):
            raise GenerationError(f"{endpoint.name}: unknown x-sdk-path {param['x-sdk-path']!r}")
        return ParamView(
            segments=param.get("x-sdk-path") == "segments",
            shared=f"{snake_case(shared).upper()}_PARAM" if shared else None,
            wire=wire,
            python=param.get("x-python-name") or python_name(wire),
            location=location,
            required=bool(param.get("required")),
            annotation=annotation,
            description=_with_server_default(param.get("description") or schema.get("description"), schema),
            schema=self.constraints(schema, encoder),
            encoder=encoder,
        )

    def body_params(self, schema_node: dict[str, Any], endpoint: Endpoint) -> list[ParamView]:
        schema = self.doc.resolve(schema_node)
        (body,) = endpoint.bodies
        model = body.prop
        if not isinstance(model, ModelProperty):
            raise GenerationError(f"{endpoint.name}: the JSON body must be an object schema")
        required = set(schema.get("required", []))
        params = []
        for prop in properties_of(model):
            wire = wire_name(prop)
            raw = self.doc.resolve(schema["properties"][wire])
            if _internal(schema["properties"][wire], raw):
                continue
            param = self.field_param(prop, raw, wire, wire in required, schema["properties"][wire])
            param.fill = schema["properties"][wire].get("x-sdk-fill")
            if param.fill is not None and param.fill not in FILLS:
                raise GenerationError(f"{endpoint.name}: unknown x-sdk-fill {param.fill!r} on {wire}")
            params.append(param)
        return params

    def field_param(
        self, prop: Any, raw: dict[str, Any], wire: str, required: bool, node: dict[str, Any] | None = None
    ) -> ParamView:
        """A body property, or a key of an options dict, as a Python argument. ``node`` is the
        property as written: a ``$ref`` with a description of its own keeps it."""
        encoder = raw.get("x-sdk-encode")
        annotation = ENCODER_ANNOTATIONS.get(encoder or "")
        if encoder is None:
            options = self.options_type(prop, raw)
            if options is not None:
                view, is_list = options
                encoder = f"{'list_of' if is_list else 'nested'}({view.table})"
                annotation = f"Sequence[{view.name}]" if is_list else view.name
        return ParamView(
            wire=wire,
            python=raw.get("x-python-name") or python_name(wire),
            location="body",
            required=required,
            annotation=annotation or self.types.annotation(prop, inbound=False),
            description=_with_server_default((node or {}).get("description") or raw.get("description"), raw),
            schema=self.constraints(raw, encoder or "plain"),
            encoder=encoder or "plain",
        )

    def options_type(self, prop: Any, raw: dict[str, Any]) -> tuple[InputTypeView, bool] | None:
        """The options dict type of an object (or list of objects) users pass, if it is one."""
        if isinstance(prop, ModelProperty) and not self.types.is_map(prop):
            return self.input_type(prop, raw), False
        inner = prop.inner_property if isinstance(prop, ListProperty) else None
        if isinstance(inner, ModelProperty) and not self.types.is_map(inner):
            return self.input_type(inner, self.doc.resolve(raw["items"])), True
        return None

    def input_type(self, model: ModelProperty, raw: dict[str, Any]) -> InputTypeView:
        """The TypedDict users pass for an object inside a request body."""
        name = str(model.class_info.name)
        if name in self.input_types:
            return self.input_types[name]
        view = InputTypeView(name, (raw.get("description") or "").strip(), [])
        self.input_types[name] = view
        for prop in properties_of(self.types.canonical(model)):
            wire = wire_name(prop)
            field_raw = self.doc.resolve(raw["properties"][wire])
            if _internal(raw["properties"][wire], field_raw):
                continue
            param = self.field_param(prop, field_raw, wire, False, raw["properties"][wire])
            view.fields.append(
                InputFieldView(
                    param.python, wire, param.annotation, param.description, param.schema, param.encoder
                )
            )
        self.input_order.append(view)
        return view

    def constraints(self, schema: dict[str, Any], encoder: str = "plain") -> dict[str, Any] | None:
        """The subset of a schema the runtime checks before sending."""
        if encoder.startswith("nested("):
            return None  # the options dict's own fields are checked one by one
        if encoder.startswith("list_of("):
            return {"type": "array"}
        schema = self.doc.resolve(schema)
        result: dict[str, Any] = {k: schema[k] for k in KEPT_CONSTRAINTS if k in schema}
        items = self.constraints(schema["items"]) if "items" in schema else None
        if items:
            result["items"] = items
        checks = ENCODER_CHECKS.get(encoder)
        if checks and "type" in checks:
            result = {}  # the encoder takes another shape than the wire's
        result.update(checks or {})
        return result or None


def _internal(node: dict[str, Any], resolved: dict[str, Any]) -> bool:
    """A wire field users never set (``x-sdk-internal`` on the property). The mark on a
    referenced enum only keeps the enum out of the public models; the field stays."""
    return bool(node.get("x-sdk-internal") or (resolved.get("x-sdk-internal") and "enum" not in resolved))


def _with_server_default(description: str | None, schema: dict[str, Any]) -> str:
    """A request field's description. A ``default`` in the spec is the server's: the client
    sends only what the caller passed, so the default is documented, never sent."""
    text = (description or "").strip()
    if "default" in schema:
        value = json.dumps(schema["default"])
        text = f"{text} Sent only when given; the server then uses `{value}`.".strip()
    return text

"""Model and enum views: what the model templates render for each schema."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from generator.names import python_name
from generator.openapi_parser import (
    EnumProperty,
    ListProperty,
    ModelProperty,
    UnionProperty,
    properties_of,
    text_of,
    wire_name,
)
from generator.spec import Document, GenerationError
from generator.typemap import COERCING_READERS, TypeMap, literal_name


@dataclass
class FieldView:
    python: str
    wire: str
    annotation: str
    reader: str
    writer: str
    required: bool
    nullable: bool
    description: str
    default: str | None = None  # what an absent (or null) optional field reads as
    init_annotation: str = ""  # the constructor's annotation (None means "not sent")
    sensitive: bool = False  # x-sensitive: masked in the model's repr
    # The type the reader is cast to: an enum reader returns members or plain strings, which
    # the field's annotation promises as the enum's `Literal` (None: the reader's own type).
    reader_type: str | None = None


@dataclass
class ModelView:
    name: str
    module: str
    description: str
    fields: list[FieldView]
    imports: list[tuple[str, str]]


@dataclass
class EnumView:
    name: str
    module: str
    description: str
    members: list[tuple[str, str]]
    accepts: list[str]  # x-sdk-accepts: enums whose members an argument of this one takes too

    @property
    def literal(self) -> str:
        return literal_name(self.name)


def model_views(doc: Document, types: TypeMap, wanted: set[str]) -> list[ModelView]:
    views = []
    for name in sorted(wanted):
        model = doc.models[name]
        raw_properties = doc.spec["components"]["schemas"].get(name, {}).get("properties", {})
        fields = []
        imports: set[tuple[str, str]] = set()
        for prop in properties_of(model):
            raw = doc.resolve(raw_properties.get(wire_name(prop), {}))
            annotation = types.annotation(prop, inbound=True)
            enums = [c for c in types.referenced_classes(prop) if c in doc.enums]
            reader_type = annotation if enums else None
            nullable = "None" in annotation.split(" | ")
            default = repr(raw["default"]) if "default" in raw and not prop.required else None
            init_annotation = types.annotation(prop, inbound=True, constructing=True)
            if not (prop.required or nullable):
                init_annotation += " | None"
            if not prop.required and not nullable and default is None:
                annotation += " | None"
            reader = types.reader(prop)
            if raw.get("x-coerce"):
                reader = COERCING_READERS.get(reader, reader)
                if reader not in COERCING_READERS.values():
                    raise GenerationError(f"{name}.{wire_name(prop)}: x-coerce applies to numbers only")
            fields.append(
                FieldView(
                    python=python_name(wire_name(prop)),
                    wire=wire_name(prop),
                    annotation=annotation,
                    reader=reader,
                    writer=types.writer(prop, python_name(wire_name(prop))),
                    required=bool(prop.required),
                    nullable=nullable,
                    # A $ref's own description, else the parser's (the referenced schema's).
                    description=(
                        raw_properties.get(wire_name(prop), {}).get("description")
                        or text_of(prop.description)
                    ).strip(),
                    default=default,
                    init_annotation=init_annotation,
                    sensitive=bool(raw.get("x-sensitive")),
                    reader_type=reader_type,
                )
            )
            imports.update((doc.module_of(c), c) for c in types.referenced_classes(prop) if c != name)
            for enum in enums:
                imports.add((doc.module_of(enum), literal_name(enum)))
                imports.update((doc.module_of(e), e) for e in types.enum_accepts.get(enum, []))
        views.append(
            ModelView(
                name=name,
                module=str(model.class_info.module_name),
                description=text_of(model.description).strip(),
                fields=fields,
                imports=sorted(imports),
            )
        )
    return views


def reachable_models(doc: Document, types: TypeMap, roots: Iterable[Any]) -> set[str]:
    found: set[str] = set()

    def visit(prop: Any) -> None:
        if isinstance(prop, ListProperty):
            visit(prop.inner_property)
        elif isinstance(prop, UnionProperty):
            for inner in prop.inner_properties:
                visit(inner)
        elif isinstance(prop, ModelProperty) and not types.is_map(prop):
            name = str(prop.class_info.name)
            if name not in found:
                found.add(name)
                for child in properties_of(doc.models[name]):
                    visit(child)

    for root in roots:
        visit(root)
    return found


def enum_views(doc: Document) -> list[EnumView]:
    views = []
    for name in sorted(doc.enums):
        enum = doc.enums[name]
        if not isinstance(enum, EnumProperty):
            raise GenerationError(f"{name}: only string enums are supported")
        raw = doc.spec["components"]["schemas"].get(name, {})
        if raw.get("x-sdk-internal"):
            continue  # a wire vocabulary the runtime translates to, not a public type
        views.append(
            EnumView(
                name=name,
                module=str(enum.class_info.module_name),
                description=(raw.get("description") or "").strip(),
                members=[(member, str(value)) for member, value in enum.values.items()],
                accepts=list(raw.get("x-sdk-accepts", [])),
            )
        )
    values = {view.name: {value for _, value in view.members} for view in views}
    for view in views:
        for other in view.accepts:
            if other not in values or not values[other] <= values[view.name]:
                raise GenerationError(
                    f"{view.name}: x-sdk-accepts names {other}, which must be a public enum "
                    f"whose every value {view.name} has too"
                )
    return views


def yielded_models(doc: Document) -> list[Any]:
    """Models the runtime builds from something other than a response body (``x-sdk-yields``:
    the run snapshots of a shape stream; ``x-sdk-model: true`` on a schema: the alert
    webhooks the server posts to users), to generate next to the response models."""
    names = {op["x-sdk-yields"] for _, _, op, _ in doc.raw_operations() if "x-sdk-yields" in op}
    missing = sorted(names - doc.models.keys())
    if missing:
        raise GenerationError(f"x-sdk-yields names unknown schemas: {missing}")
    flagged = {n for n, raw in doc.spec["components"]["schemas"].items() if raw.get("x-sdk-model")}
    not_objects = sorted(flagged - doc.models.keys())
    if not_objects:
        raise GenerationError(f"x-sdk-model is only for object schemas: {not_objects}")
    names |= flagged
    return [doc.models[name] for name in sorted(names)]


@dataclass
class StatusFacts:
    """How a run's database status reads as an API status, and the flags each status sets
    (``x-database-statuses``, ``x-status-flags`` on the realtime run schema)."""

    database: dict[str, str]
    default: str
    flags: dict[str, list[str]]


def status_facts(doc: Document, schema_name: str = "RealtimeRun") -> StatusFacts:
    raw = doc.spec["components"]["schemas"].get(schema_name, {})
    statuses = set(doc.spec["components"]["schemas"]["RunStatus"]["enum"])
    database = dict(raw.get("x-database-statuses", {}))
    default = raw.get("x-database-status-default", "")
    flags = {str(name): list(values) for name, values in raw.get("x-status-flags", {}).items()}
    unknown = sorted({*database.values(), default, *(v for vs in flags.values() for v in vs)} - statuses)
    if not database or not flags or unknown:
        raise GenerationError(
            f"{schema_name} needs x-database-statuses, x-database-status-default and x-status-flags "
            f"naming RunStatus values (unknown: {unknown})"
        )
    return StatusFacts(database, default, flags)

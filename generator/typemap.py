"""Python annotations, readers and writers for the parser's properties (the type map)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from generator.openapi_parser import (
    AnyProperty,
    BooleanProperty,
    DateTimeProperty,
    EnumProperty,
    FloatProperty,
    IntProperty,
    ListProperty,
    ModelProperty,
    NoneProperty,
    StringProperty,
    UnionProperty,
)
from generator.spec import GenerationError

# Parsed scalar properties: their Python annotation, and the reader that checks a wire value.
SCALARS: dict[type, tuple[str, str]] = {
    StringProperty: ("str", "as_str"),
    IntProperty: ("int", "as_int"),
    FloatProperty: ("float", "as_float"),
    BooleanProperty: ("bool", "as_bool"),
    DateTimeProperty: ("datetime.datetime", "as_datetime"),
    AnyProperty: ("Any", "as_any"),
}


# x-coerce: the official SDK reads these numbers with JavaScript's Number(), so a numeric
# string is accepted too.
COERCING_READERS = {"as_int": "as_int_coerced", "as_float": "as_float_coerced"}


def literal_name(enum_name: str) -> str:
    """The `Literal` alias generated next to an enum class: ``RunStatus`` → ``RunStatusLiteral``."""
    return f"{enum_name}Literal"


@dataclass
class TypeMap:
    """Python annotations, readers and writers for parsed properties."""

    models: dict[str, ModelProperty]
    input_types: set[str] = field(default_factory=set)
    # x-sdk-accepts, by enum: the other enums whose members an argument of that enum takes
    # too (a `RunStatus` member as a `RunStatusFilter`).
    enum_accepts: dict[str, list[str]] = field(default_factory=dict)

    def canonical(self, prop: ModelProperty) -> ModelProperty:
        # References inside other schemas can be unfinished copies; the registry has the real one.
        return self.models.get(str(prop.class_info.name), prop)

    def is_map(self, prop: ModelProperty) -> bool:
        model = self.canonical(prop)
        return not (model.required_properties or model.optional_properties)

    def annotation(self, prop: Any, *, inbound: bool, constructing: bool = False) -> str:
        """The annotation of a value read from the wire (``inbound``) or passed by a user.

        An enum read from the wire is annotated with its `Literal` alias: a checker then refuses
        a misspelt value in a comparison, while at run time a value the server added later still
        arrives (as a plain string). An enum a user passes, or hands to a model's constructor
        (``constructing``), is the enum class or that `Literal`.
        """
        if type(prop) in SCALARS:
            return SCALARS[type(prop)][0]
        if isinstance(prop, NoneProperty):
            return "None"
        if isinstance(prop, EnumProperty):
            name = str(prop.class_info.name)
            if inbound and not constructing:
                return literal_name(name)
            return " | ".join([name, literal_name(name), *self.enum_accepts.get(name, [])])
        if isinstance(prop, ListProperty):
            inner = self.annotation(prop.inner_property, inbound=inbound, constructing=constructing)
            return f"list[{inner}]" if inbound else f"Sequence[{inner}]"
        if isinstance(prop, ModelProperty):
            if self.is_map(prop):
                extra = self.canonical(prop).additional_properties
                value = self.annotation(extra, inbound=inbound, constructing=constructing) if extra else "Any"
                return f"dict[str, {value}]" if inbound else f"Mapping[str, {value}]"
            return str(prop.class_info.name)
        if isinstance(prop, UnionProperty):
            parts: list[str] = []
            for member in prop.inner_properties:
                for part in self.annotation(member, inbound=inbound, constructing=constructing).split(" | "):
                    if part not in parts:
                        parts.append(part)
            if "None" in parts:  # keep None last
                parts.remove("None")
                parts.append("None")
            return " | ".join(parts)
        raise GenerationError(f"no Python type for {type(prop).__name__} {prop.name.get_untrusted_value()}")

    def reader(self, prop: Any) -> str:
        """An expression for a function reading the wire value of ``prop``."""
        if type(prop) in SCALARS:
            return SCALARS[type(prop)][1]
        if isinstance(prop, EnumProperty):
            return f"enum_reader({prop.class_info.name})"
        if isinstance(prop, ListProperty):
            return f"list_reader({self.reader(prop.inner_property)})"
        if isinstance(prop, ModelProperty):
            if self.is_map(prop):
                return "as_object"
            return f"{prop.class_info.name}._from_wire"
        if isinstance(prop, UnionProperty):
            inner = [p for p in prop.inner_properties if not isinstance(p, NoneProperty)]
            readers = [self.reader(p) for p in inner]
            reader = readers[0] if len(readers) == 1 else f"union_reader({', '.join(readers)})"
            return f"nullable({reader})" if len(inner) < len(prop.inner_properties) else reader
        raise GenerationError(f"no reader for {type(prop).__name__}")

    def writer(self, prop: Any, value: str) -> str:
        """An expression giving the wire form of the Python value ``value``."""
        if isinstance(prop, DateTimeProperty):
            return f"write_datetime({value})"
        if isinstance(prop, EnumProperty):
            return f"str({value})"
        if isinstance(prop, ListProperty):
            item = self.writer(prop.inner_property, "item")
            return value if item == "item" else f"[{item} for item in {value}]"
        if isinstance(prop, ModelProperty) and not self.is_map(prop):
            return f"{value}.to_dict()"
        if isinstance(prop, UnionProperty):
            inner = [p for p in prop.inner_properties if not isinstance(p, NoneProperty)]
            if len(inner) == 1:
                written = self.writer(inner[0], value)
                if written != value and len(inner) < len(prop.inner_properties):
                    return f"None if {value} is None else {written}"
                return written
        return value

    def referenced_classes(self, prop: Any) -> Iterator[str]:
        if isinstance(prop, EnumProperty):
            yield str(prop.class_info.name)
        elif isinstance(prop, ListProperty):
            yield from self.referenced_classes(prop.inner_property)
        elif isinstance(prop, UnionProperty):
            for inner in prop.inner_properties:
                yield from self.referenced_classes(inner)
        elif isinstance(prop, ModelProperty) and not self.is_map(prop):
            yield str(prop.class_info.name)

"""The reader of zod declarations behind tools/upstream_evidence.py, on TypeScript written here
for the purpose (the real schemas are read by `make evidence`)."""

from __future__ import annotations

from typing import Any

import pytest

from tools.zod_reader import Declaration, ZodReader, declarations
from tools.zod_reader import ParseError as ZodParseError

SOURCE = """
import { z } from "zod";
// A comment with z.object({ in it }) must not confuse the reader.
const Shared = {
  id: z.string(),
  /* block comment */ count: z.number().int().min(0).default(0),
};

export const Color = z.enum(["red", "green"]);

export const Thing = z.object({
  ...Shared,
  kind: z.literal("THING"),
  color: Color.optional(),
  label: z.string().nullish(),
  note: z.string().nullable(),
  when: z.coerce.date(),
  tags: z.string().array(),
  extra: z.record(z.any()).optional(),
  window: z.string().regex(/^(\\d+)[mh]$/).optional(),
  either: z.union([z.string(), z.number()]),
  "quoted-key": z.boolean(),
});

export const Wrapped = z.object(Shared);
export const Bigger = Thing.extend({ more: z.array(Color) });
export const Smaller = Thing.pick({ id: true, kind: true });
export const Relaxed = Wrapped.partial();
export const Tricky = z.instanceof(Thing);
"""


def reader(text: str = SOURCE) -> ZodReader:
    found = {d.name: d for d in declarations("sample.ts", text)}
    named = {n for n, d in found.items() if not d.text.lstrip().startswith("{")}
    return ZodReader(found.get, named)


def test_declarations_are_found_at_the_top_level_with_their_lines() -> None:
    found = {d.name: d for d in declarations("sample.ts", SOURCE)}
    assert set(found) == {"Shared", "Color", "Thing", "Wrapped", "Bigger", "Smaller", "Relaxed", "Tricky"}
    assert found["Color"] == Declaration("Color", "sample.ts", 9, 'z.enum(["red", "green"])')


def test_an_object_with_every_modifier() -> None:
    fields: dict[str, Any] = reader().schema("Thing")["fields"]
    assert fields["id"] == {"type": "string"}
    assert fields["count"] == {"type": "number", "default": 0}
    assert fields["kind"] == {"type": "literal", "value": "THING"}
    assert fields["color"] == {"ref": "Color", "optional": True}
    assert fields["label"] == {"type": "string", "optional": True, "nullable": True}
    assert fields["note"] == {"type": "string", "nullable": True}
    assert fields["when"] == {"type": "date", "coerce": True}
    assert fields["tags"] == {"type": "array", "items": {"type": "string"}}
    assert fields["extra"] == {"type": "record", "values": {"type": "any"}, "optional": True}
    assert fields["window"] == {"type": "string", "optional": True}
    assert fields["either"] == {"type": "union", "options": [{"type": "string"}, {"type": "number"}]}
    assert fields["quoted-key"] == {"type": "boolean"}


def test_objects_built_from_other_objects() -> None:
    read = reader()
    assert set(read.schema("Wrapped")["fields"]) == {"id", "count"}
    bigger = read.schema("Bigger")["fields"]
    assert bigger["more"] == {"type": "array", "items": {"ref": "Color"}} and "label" in bigger
    assert set(read.schema("Smaller")["fields"]) == {"id", "kind"}
    assert all(f.get("optional") for f in read.schema("Relaxed")["fields"].values())


def test_what_is_not_understood_is_marked_not_guessed() -> None:
    assert reader().schema("Tricky")["type"] == "unknown"
    with pytest.raises(ZodParseError, match=r"\.superPick\(\) is not understood"):
        reader("export const X = z.string().superPick();").schema("X")


def test_a_name_from_elsewhere_is_any_value_with_a_note() -> None:
    read = reader("export const X = z.object({ a: Imported });")
    assert read.schema("X")["fields"]["a"] == {"type": "any", "unresolved": "Imported"}
    assert read.notes == ["Imported is defined outside the files read; taken as any value"]


def test_a_lazy_schema_is_the_schema_its_arrow_returns() -> None:
    read = reader("export const Node = z.object({ children: z.lazy(() => Node.array()) });")
    assert read.schema("Node")["fields"]["children"] == {"type": "array", "items": {"ref": "Node"}}

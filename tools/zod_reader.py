"""Read zod schema declarations from TypeScript source text, without running it.

The official SDK's response schemas are written with a small part of zod: ``z.object({...})``,
scalars, ``z.array``, ``z.enum``, ``z.literal``, ``z.record``, ``z.union`` and the modifiers
``.optional()``, ``.nullish()``, ``.nullable()``, ``.default(x)``. This module parses that
subset into plain dictionaries, the *evidence* `tools/upstream_evidence.py` compares the
spec with:

    {"type": "object", "fields": {"id": {"type": "string"},
                                  "isCached": {"type": "boolean", "optional": true}}}

A named schema referenced from another is kept as ``{"ref": "Name"}``. Whatever the parser
does not understand becomes ``{"type": "unknown", "source": "<text>"}`` rather than a guess;
the checker treats such a node as accepting anything and says so.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

__all__ = ["Declaration", "ZodReader", "declarations"]

Node = dict[str, Any]

# Methods that narrow a value without changing what may be absent or null.
_NARROWING = {
    "min", "max", "int", "positive", "nonnegative", "negative", "nonpositive", "length", "email",
    "url", "uuid", "cuid", "regex", "startsWith", "endsWith", "trim", "describe", "refine",
    "superRefine", "transform", "brand", "readonly", "catch", "pipe", "datetime", "finite",
    "toLowerCase", "toUpperCase", "step", "multipleOf", "nonempty", "gte", "lte", "gt", "lt",
}  # fmt: skip
_SCALARS = {"string": "string", "number": "number", "boolean": "boolean", "bigint": "number",
            "date": "date", "any": "any", "unknown": "any", "null": "null", "undefined": "null",
            "void": "null", "never": "never"}  # fmt: skip


@dataclass(frozen=True)
class Declaration:
    name: str
    file: str
    line: int
    text: str  # the initializer's source text


# ---------------------------------------------------------------------------------------
# Tokens


@dataclass(frozen=True)
class Token:
    kind: str  # "name", "string", "number", "punct", "regex"
    value: str
    offset: int


_PUNCT = ["...", "=>", "?.", "(", ")", "{", "}", "[", "]", ",", ":", ".", ";", "=", "<", ">",
          "|", "&", "!", "?", "+", "-", "*", "%"]  # fmt: skip
_REGEX_AFTER = {"(", ",", "[", "=", ":", "!", "&", "|", "?", "{", ";", "=>"}


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    i = 0
    n = len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
        elif text.startswith("//", i):
            end = text.find("\n", i)
            i = n if end < 0 else end
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            i = n if end < 0 else end + 2
        elif c in "\"'`":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            tokens.append(Token("string", text[i + 1 : j], i))
            i = j + 1
        elif c == "/" and (not tokens or tokens[-1].value in _REGEX_AFTER):
            j = i + 1
            in_class = False
            while j < n and (text[j] != "/" or in_class):
                if text[j] == "\\":
                    j += 1
                elif text[j] == "[":
                    in_class = True
                elif text[j] == "]":
                    in_class = False
                j += 1
            j += 1
            while j < n and text[j].isalpha():
                j += 1
            tokens.append(Token("regex", text[i:j], i))
            i = j
        elif c.isdigit():
            match = re.match(r"\d[\d_]*(\.\d+)?(e[+-]?\d+)?", text[i:])
            assert match is not None
            tokens.append(Token("number", match.group(0).replace("_", ""), i))
            i += len(match.group(0))
        elif c.isalpha() or c in "_$":
            match = re.match(r"[A-Za-z_$][\w$]*", text[i:])
            assert match is not None
            tokens.append(Token("name", match.group(0), i))
            i += len(match.group(0))
        else:
            for punct in _PUNCT:
                if text.startswith(punct, i):
                    tokens.append(Token("punct", punct, i))
                    i += len(punct)
                    break
            else:
                tokens.append(Token("punct", c, i))
                i += 1
    return tokens


# ---------------------------------------------------------------------------------------
# Declarations in a file


def declarations(path: str, text: str) -> Iterator[Declaration]:
    """Top-level ``[export] const X = ...;`` declarations of a TypeScript file."""
    tokens = tokenize(text)
    depth = 0
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.value in ("(", "{", "["):
            depth += 1
        elif token.value in (")", "}", "]"):
            depth -= 1
        elif depth == 0 and token.value == "const" and i + 2 < len(tokens) and tokens[i + 1].kind == "name":
            name = tokens[i + 1].value
            j = i + 2
            while j < len(tokens) and tokens[j].value != "=":  # skip a type annotation
                if tokens[j].value == ";":
                    break
                j += 1
            if j < len(tokens) and tokens[j].value == "=":
                start = tokens[j + 1].offset if j + 1 < len(tokens) else len(text)
                k, inner = j + 1, 0
                while k < len(tokens) and not (tokens[k].value == ";" and inner == 0):
                    if tokens[k].value in ("(", "{", "["):
                        inner += 1
                    elif tokens[k].value in (")", "}", "]"):
                        inner -= 1
                    k += 1
                end = tokens[k].offset if k < len(tokens) else len(text)
                yield Declaration(name, path, text.count("\n", 0, token.offset) + 1, text[start:end])
                i = k
                continue
        i += 1


# ---------------------------------------------------------------------------------------
# Parsing zod expressions


class ParseError(Exception):
    pass


class ZodReader:
    """Parses declarations into evidence nodes. ``lookup`` finds a declaration by name."""

    def __init__(self, lookup: Callable[[str], Declaration | None], named: set[str]) -> None:
        self.lookup = lookup
        self.named = named  # names kept as references instead of being inlined
        self.notes: list[str] = []

    def schema(self, name: str) -> Node:
        declaration = self.lookup(name)
        if declaration is None:
            raise ParseError(f"no declaration of {name}")
        return _Parser(self, declaration.text).expression_to_end()

    def object_literal(self, name: str) -> dict[str, Node] | None:
        declaration = self.lookup(name)
        if declaration is None:
            return None
        parser = _Parser(self, declaration.text)
        if not parser.peek("{"):
            return None
        return parser.object_literal()


class _Parser:
    def __init__(self, reader: ZodReader, text: str) -> None:
        self.reader = reader
        self.text = text
        self.tokens = tokenize(text)
        self.i = 0

    # -- token helpers

    def peek(self, value: str | None = None, kind: str | None = None) -> bool:
        if self.i >= len(self.tokens):
            return False
        token = self.tokens[self.i]
        return (value is None or token.value == value) and (kind is None or token.kind == kind)

    def take(self, value: str | None = None) -> Token:
        if self.i >= len(self.tokens):
            raise ParseError(f"unexpected end, wanted {value!r}")
        token = self.tokens[self.i]
        if value is not None and token.value != value:
            raise ParseError(f"wanted {value!r}, got {token.value!r} in {self.text[:80]!r}")
        self.i += 1
        return token

    def skip_balanced(self) -> str:
        """Skip one bracketed group starting at the current token; returns its source text."""
        opening = self.take()
        closing = {"(": ")", "[": "]", "{": "}"}[opening.value]
        depth = 1
        while depth:
            token = self.take()
            if token.value == opening.value:
                depth += 1
            elif token.value == closing:
                depth -= 1
        return self.text[opening.offset : token.offset + 1]

    # -- grammar

    def expression_to_end(self) -> Node:
        node = self.expression()
        if self.i < len(self.tokens) and not self.peek(";"):
            raise ParseError(
                f"trailing text after a schema: {self.text[self.tokens[self.i].offset :][:60]!r}"
            )
        return node

    def expression(self) -> Node:
        start = self.i
        node = self.primary()
        while self.peek("."):
            self.take(".")
            method = self.take().value
            args_start = self.i
            if not self.peek("("):
                node = self.unknown(start)
                continue
            node = self.method(node, method, args_start, start)
        return node

    def unknown(self, start: int) -> Node:
        offset = self.tokens[start].offset
        end = (
            self.tokens[self.i - 1].offset + len(self.tokens[self.i - 1].value) if self.i > start else offset
        )
        return {"type": "unknown", "source": " ".join(self.text[offset:end].split())[:120]}

    def primary(self) -> Node:
        token = self.take()
        if token.kind == "name" and token.value == "z":
            self.take(".")
            name = self.take().value
            if name == "coerce":
                self.take(".")
                inner = self.take().value
                self.take("(")
                self.take(")")
                return {"type": _SCALARS.get(inner, inner), "coerce": True}
            return self.zod_call(name)
        if token.kind == "name":
            return self.reference(token.value)
        if token.value == "(":
            node = self.expression()
            self.take(")")
            return node
        raise ParseError(f"cannot read a schema starting with {token.value!r}")

    def reference(self, name: str) -> Node:
        if name in self.reader.named:
            return {"ref": name}
        declaration = self.reader.lookup(name)
        if declaration is None:
            self.reader.notes.append(f"{name} is defined outside the files read; taken as any value")
            return {"type": "any", "unresolved": name}
        return _Parser(self.reader, declaration.text).expression_to_end()

    def zod_call(self, name: str) -> Node:
        if name in _SCALARS:
            self.skip_balanced()
            return {"type": _SCALARS[name]}
        if name == "object":
            self.take("(")
            fields = self.fields_argument()
            self.take(")")
            return {"type": "object", "fields": fields}
        if name == "array":
            self.take("(")
            items = self.expression()
            self.take(")")
            return {"type": "array", "items": items}
        if name == "enum":
            self.take("(")
            values = self.string_list() if self.peek("[") else self.named_string_list(self.take().value)
            self.take(")")
            return {"type": "enum", "values": values}
        if name == "literal":
            self.take("(")
            value = self.take()
            self.take(")")
            literal: Any = value.value if value.kind == "string" else json.loads(value.value)
            return {"type": "literal", "value": literal}
        if name == "record":
            self.take("(")
            first = self.expression()
            second = None
            if self.peek(","):
                self.take(",")
                if not self.peek(")"):
                    second = self.expression()
            self.take(")")
            return {"type": "record", "values": second if second is not None else first}
        if name in ("union", "discriminatedUnion"):
            self.take("(")
            if name == "discriminatedUnion":
                self.take()  # the discriminator's name
                self.take(",")
            self.take("[")
            options = []
            while not self.peek("]"):
                options.append(self.expression())
                if self.peek(","):
                    self.take(",")
            self.take("]")
            self.take(")")
            return {"type": "union", "options": options}
        if name == "lazy":
            lazy = self.lazy()
            if lazy is not None:
                return lazy
        if name in ("lazy", "nativeEnum", "instanceof", "custom", "function", "tuple", "map", "set"):
            start = self.i - 3
            self.skip_balanced()
            return self.unknown(max(start, 0))
        raise ParseError(f"z.{name} is not understood")

    def lazy(self) -> Node | None:
        """``z.lazy(() => <schema>)``, the way zod writes a recursive schema, read as the schema
        the arrow returns; None (nothing consumed) for any other argument."""
        start = self.i
        try:
            for value in ("(", "(", ")", "=>"):
                self.take(value)
            node = self.expression()
            self.take(")")
        except ParseError:
            self.i = start
            return None
        return node

    def method(self, node: Node, method: str, args_start: int, start: int) -> Node:
        node = dict(node)
        if method == "optional":
            self.skip_balanced()
            node["optional"] = True
        elif method == "nullable":
            self.skip_balanced()
            node["nullable"] = True
        elif method == "nullish":
            self.skip_balanced()
            node["optional"] = True
            node["nullable"] = True
        elif method == "default":
            self.take("(")
            node["default"] = self.literal_value()
            self.take(")")
        elif method == "array":
            self.skip_balanced()
            node = {"type": "array", "items": node}
        elif method in ("extend", "merge", "and"):
            # `.and()` of two object schemas is their intersection: every field of both.
            self.take("(")
            extra = self.fields_argument() if method == "extend" else self.object_fields(self.expression())
            self.take(")")
            node = {**self.object_fields_node(node), "fields": {**self.object_fields(node), **extra}}
        elif method in ("omit", "pick"):
            self.take("(")
            keys = set(self.object_literal())
            self.take(")")
            fields = self.object_fields(node)
            kept = {k: v for k, v in fields.items() if (k in keys) == (method == "pick")}
            node = {"type": "object", "fields": kept}
        elif method == "partial":
            self.skip_balanced()
            node = {
                "type": "object",
                "fields": {k: {**v, "optional": True} for k, v in self.object_fields(node).items()},
            }
        elif method in ("passthrough", "strip", "strict", "catchall"):
            self.skip_balanced()
        elif method == "or":
            self.take("(")
            other = self.expression()
            self.take(")")
            node = {"type": "union", "options": [node, other]}
        elif method in _NARROWING:
            self.skip_balanced()
        else:
            raise ParseError(f".{method}() is not understood")
        return node

    def object_fields_node(self, node: Node) -> Node:
        return {k: v for k, v in node.items() if k not in ("ref", "fields")} | {"type": "object"}

    def object_fields(self, node: Node) -> dict[str, Node]:
        if "ref" in node:
            node = self.reader.schema(node["ref"])
        if node.get("type") != "object":
            raise ParseError(f"expected an object schema, got {node}")
        return dict(node["fields"])

    def fields_argument(self) -> dict[str, Node]:
        if self.peek("{"):
            return self.object_literal()
        name = self.take().value
        fields = self.reader.object_literal(name)
        if fields is None:
            raise ParseError(f"{name} is not an object literal")
        return fields

    def object_literal(self) -> dict[str, Node]:
        self.take("{")
        fields: dict[str, Node] = {}
        while not self.peek("}"):
            if self.peek("..."):
                self.take("...")
                name = self.take().value
                spread = self.reader.object_literal(name)
                if spread is None:
                    raise ParseError(f"cannot spread {name}")
                fields.update(spread)
            else:
                key = self.take()
                self.take(":")
                if key.kind not in ("name", "string"):
                    raise ParseError(f"unexpected key {key.value!r}")
                fields[key.value] = self.value_or_schema()
            if self.peek(","):
                self.take(",")
        self.take("}")
        return fields

    def value_or_schema(self) -> Node:
        if self.peek(kind="string") or self.peek(kind="number") or self.peek("true") or self.peek("false"):
            return {"type": "literal", "value": self.literal_value()}
        return self.expression()

    def literal_value(self) -> Any:
        if self.peek("["):
            text = self.skip_balanced()
            try:
                return json.loads(text.replace("'", '"'))
            except ValueError:
                return text
        if self.peek("{"):
            text = self.skip_balanced()
            return text if text.strip("{} ") else {}
        token = self.take()
        if token.kind == "string":
            return token.value
        if token.kind == "number":
            return json.loads(token.value)
        if token.value in ("true", "false", "null"):
            return json.loads(token.value)
        if token.value == "-" and self.peek(kind="number"):
            return -json.loads(self.take().value)
        raise ParseError(f"cannot read the default value {token.value!r}")

    def named_string_list(self, name: str) -> list[str]:
        """The values of ``const name = ["A", "B"] as const``, which ``z.enum(name)`` reads."""
        declaration = self.reader.lookup(name)
        if declaration is None:
            raise ParseError(f"z.enum({name}): no declaration of {name}")
        return _Parser(self.reader, declaration.text).string_list()

    def string_list(self) -> list[str]:
        self.take("[")
        values = []
        while not self.peek("]"):
            values.append(self.take().value)
            if self.peek(","):
                self.take(",")
        self.take("]")
        return values

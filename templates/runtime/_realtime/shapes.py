# Runtime source of trigger_dev: codegen.py copies it into generated/trigger_dev/ unchanged.
"""The realtime shape protocol, without I/O: where a stream of rows stands, how an answer
moves it on, and the rows it has delivered so far.

The server proxies Electric's shape API. A first request (``offset=-1``) returns the rows,
perhaps over several answers; once an answer carries the ``up-to-date`` control message the
client asks again with ``live=true`` and the server holds that request until a row changes
(or 20 s pass). Each answer's ``electric-handle``/``electric-offset``/``electric-cursor``
headers say what to send next. A 409 (``must-refetch``) means: start again from ``-1`` with
the new handle and forget every row. See docs/realtime.md.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .. import _json

__all__ = ["ProtocolError", "ShapeRows", "ShapeState", "column_parsers", "parse_messages"]

Parser = Callable[[str], Any]


class ProtocolError(ValueError):
    """An answer that does not follow the shape protocol (a header or the body is wrong)."""


@dataclass
class ShapeState:
    """Where the stream stands: what the next request sends."""

    offset: str = "-1"
    handle: str | None = None
    cursor: str | None = None
    live: bool = False  # set once an answer has reached the head of the shape
    parsers: dict[str, Parser] = field(default_factory=dict)  # from electric-schema

    def query(self) -> dict[str, Any]:
        """The protocol's query arguments for the next request."""
        args: dict[str, Any] = {"offset": self.offset, "log": "full"}
        if self.handle is not None:
            args["handle"] = self.handle
        if self.live:
            args["live"] = True
            if self.cursor is not None:
                args["cursor"] = self.cursor
        return args

    def read_schema(self, headers: Mapping[str, str]) -> None:
        """Take the column types an answer announces, before its rows are read."""
        for name in ("electric-offset", "electric-handle"):
            if not headers.get(name):
                raise ProtocolError(
                    f"the answer has no {name} header: the server does not serve realtime shapes "
                    "(a mock server such as Prism cannot), or a proxy between this client and the "
                    "server may be removing response headers"
                )
        schema = headers.get("electric-schema")
        if schema:
            self.parsers = column_parsers(schema)
        elif not self.parsers and not self.live:
            raise ProtocolError("the first answer of a shape must carry an electric-schema header")

    def advance(self, headers: Mapping[str, str], reached_head: bool) -> None:
        """Take the position a successful answer reports."""
        self.offset = headers["electric-offset"]  # both checked by read_schema
        self.handle = headers["electric-handle"]
        cursor = headers.get("electric-cursor")
        if cursor:
            self.cursor = cursor
        if reached_head:
            self.live = True

    def restart(self, new_handle: str | None) -> None:
        """After a 409: from the beginning, with the handle the server gave (or a fresh one)."""
        self.handle = new_handle or (f"{self.handle}-next" if self.handle else None)
        self.offset = "-1"
        self.cursor = None
        self.live = False
        self.parsers = {}


@dataclass
class ShapeRows:
    """The rows delivered so far, by key, and the keys changed since they were last emitted.

    An update carries only the changed columns and is merged over the row; a delete is
    ignored (the official client keeps the row too: a run never leaves a shape it was in
    unless the shape is dropped, which comes as must-refetch)."""

    rows: dict[str, dict[str, Any]] = field(default_factory=dict)
    changed: dict[str, None] = field(default_factory=dict)  # insertion-ordered set

    def apply(self, messages: list[Any], parsers: Mapping[str, Parser]) -> tuple[bool, bool]:
        """Apply one answer's messages: (reached the head, must refetch)."""
        reached_head = False
        for message in messages:
            if not isinstance(message, dict):
                raise ProtocolError(f"a message is {type(message).__name__}, not an object")
            headers = message.get("headers") or {}
            key = message.get("key")
            if key is None:
                control = headers.get("control")
                if control == "up-to-date":
                    reached_head = True
                elif control == "must-refetch":
                    self.clear()
                    return reached_head, True
                continue
            operation = headers.get("operation")
            if operation == "delete":
                continue
            value = message.get("value")
            if not isinstance(value, dict):
                raise ProtocolError(f"the change to {key} has no value object")
            typed = {column: _typed(parsers, column, raw) for column, raw in value.items()}
            existing = self.rows.get(key)
            if operation == "update" and existing is not None:
                existing.update(typed)
            else:
                self.rows[key] = typed
            self.changed[key] = None
        return reached_head, False

    def take_changed(self) -> list[tuple[str, dict[str, Any]]]:
        """The rows changed since the last call, in the order they first changed."""
        changed = [(key, self.rows[key]) for key in self.changed]
        self.changed.clear()
        return changed

    def clear(self) -> None:
        self.rows.clear()
        self.changed.clear()


def parse_messages(content: bytes) -> list[Any]:
    """An answer's body: a JSON array of messages (an empty body is no messages)."""
    if not content.strip():
        return []
    try:
        messages = _json.loads(content)
    except ValueError as exc:
        raise ProtocolError(f"the body is not JSON: {exc}") from None
    if not isinstance(messages, list):
        raise ProtocolError(f"the body is a JSON {type(messages).__name__}, not an array of messages")
    return messages


def _typed(parsers: Mapping[str, Parser], column: str, raw: Any) -> Any:
    if raw is None or not isinstance(raw, str):
        return raw
    parser = parsers.get(column)
    if parser is None:
        return raw
    try:
        return parser(raw)
    except ValueError as exc:
        raise ProtocolError(
            f"column {column!r} holds {raw[:80]!r}, which its type does not allow: {exc}"
        ) from None


# Values arrive in PostgreSQL's text form; `electric-schema` gives each column's type.


def _boolean(text: str) -> bool:
    return text in ("t", "true")


_SCALARS: dict[str, Parser] = {
    "int2": int,
    "int4": int,
    "int8": int,
    "oid": int,
    "float4": float,
    "float8": float,
    "bool": _boolean,
    "json": _json.loads,
    "jsonb": _json.loads,
}

_schema_cache: dict[str, dict[str, Parser]] = {}


def column_parsers(schema_header: str) -> dict[str, Parser]:
    """A parser for each column whose text form is not kept as a string."""
    cached = _schema_cache.get(schema_header)
    if cached is not None:
        return cached
    try:
        schema = _json.loads(schema_header)
    except ValueError as exc:
        raise ProtocolError(f"the electric-schema header is not JSON: {exc}") from None
    if not isinstance(schema, dict):
        raise ProtocolError("the electric-schema header is not an object")
    parsers: dict[str, Parser] = {}
    for column, description in schema.items():
        if not isinstance(description, dict):
            continue
        element = _SCALARS.get(str(description.get("type", "")))
        if description.get("dims"):
            parsers[column] = _array_parser(element)
        elif element is not None:
            parsers[column] = element
    if len(_schema_cache) < 16:  # a server sends one schema per table; bound it anyway
        _schema_cache[schema_header] = parsers
    return parsers


def _array_parser(element: Parser | None) -> Parser:
    def parse(text: str) -> Any:
        return parse_array(text, element)

    return parse


def parse_array(text: str, element: Parser | None = None) -> list[Any]:
    """A PostgreSQL array literal (``{a,"b c",NULL}``, nested ``{{1,2},{3,4}}``)."""
    value, end = _array_at(text, 0, element)
    if text[end:].strip():
        raise ValueError("text after the closing brace")
    return value


def _array_at(text: str, start: int, element: Parser | None) -> tuple[list[Any], int]:
    if start >= len(text) or text[start] != "{":
        raise ValueError("an array literal starts with '{'")
    items: list[Any] = []
    position = start + 1
    if position < len(text) and text[position] == "}":
        return items, position + 1
    while position < len(text):
        char = text[position]
        if char == "{":
            nested, position = _array_at(text, position, element)
            items.append(nested)
        elif char == '"':
            chars = []
            position += 1
            while position < len(text) and text[position] != '"':
                if text[position] == "\\":
                    position += 1
                chars.append(text[position : position + 1])
                position += 1
            if position >= len(text):
                raise ValueError("an unterminated quoted element")
            position += 1
            quoted = "".join(chars)
            items.append(element(quoted) if element else quoted)
        else:
            end = position
            while end < len(text) and text[end] not in ",}":
                end += 1
            bare = text[position:end].strip()
            if bare.upper() == "NULL":
                items.append(None)
            else:
                items.append(element(bare) if element else bare)
            position = end
        if position >= len(text):
            break
        if text[position] == ",":
            position += 1
            continue
        if text[position] == "}":
            return items, position + 1
        raise ValueError(f"unexpected {text[position]!r} in an array literal")
    raise ValueError("an unterminated array literal")

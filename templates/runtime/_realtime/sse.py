# Runtime source of trigger_dev: codegen.py copies it into generated/trigger_dev/ unchanged.
"""Server-sent events: bytes in as they arrive, events out, as the HTML standard parses them
(any line ending, comments, ``data`` lines joined, ``id`` remembered across events)."""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from dataclasses import dataclass

__all__ = ["Event", "EventParser"]

_LINE_END = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True, slots=True)
class Event:
    data: str
    event: str = "message"
    id: str | None = None  # the last event id in force when this event was dispatched


class EventParser:
    """Feed it the body piece by piece; it yields each event once its blank line arrives."""

    def __init__(self) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._pending = ""  # text after the last complete line
        self._data: list[str] = []
        self._event = ""
        self.last_id: str | None = None
        self._started = False

    def feed(self, chunk: bytes) -> Iterator[Event]:
        text = self._pending + self._decoder.decode(chunk)
        if not self._started and text:
            self._started = True
            text = text.removeprefix("\ufeff")
        # Only CR, LF and CRLF end a line (str.splitlines would also split at U+2028, which
        # JSON leaves unescaped). A CR at the very end may be half of a CRLF: keep it.
        complete = len(text) - 1 if text.endswith("\r") else len(text)
        start = 0
        for match in _LINE_END.finditer(text, 0, complete):
            event = self._line(text[start : match.start()])
            start = match.end()
            if event is not None:
                yield event
        self._pending = text[start:]

    def finish(self) -> None:
        """At the end of the body: an event without its blank line is dropped, as the
        standard says."""
        self._pending = ""
        self._data = []
        self._event = ""

    def _line(self, line: str) -> Event | None:
        if not line:
            return self._dispatch()
        if line.startswith(":"):
            return None  # a comment (a heartbeat)
        name, colon, value = line.partition(":")
        if colon and value.startswith(" "):
            value = value[1:]
        if name == "data":
            self._data.append(value)
        elif name == "event":
            self._event = value
        elif name == "id" and "\0" not in value:
            self.last_id = value
        # `retry` and unknown fields: the reconnect delay is the client's own
        return None

    def _dispatch(self) -> Event | None:
        if not self._data:
            self._event = ""
            return None
        event = Event("\n".join(self._data), self._event or "message", self.last_id)
        self._data = []
        self._event = ""
        return event

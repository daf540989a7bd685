# Copied by codegen.py from templates/runtime/_agents/records.py (sha256 d493b13464d49c5a); edit that file, not this one.
"""The records of a session channel, decoded without I/O: the server-sent ``batch`` events of
`sessions.open(...).output.subscribe()` and the one-shot answer of ``.read()`` both become
`SessionPart` objects here, so the sync and the async readers share every decision (the
resume position, skipped store commands, part ids a retried writer repeated, control
records, and how a record's text is decoded).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .. import _json
from .._exceptions import ArgumentTypeError, InvalidArgumentError
from .._realtime.output_streams import SeenParts, batch_records
from .._realtime.sse import Event, EventParser

__all__ = [
    "CONTROL_HEADER",
    "TURN_COMPLETE",
    "UPGRADE_REQUIRED",
    "RecordDecoder",
    "SessionPart",
    "check_after",
    "encode_record",
    "new_part_id",
]

CONTROL_HEADER = "trigger-control"
TURN_COMPLETE = "turn-complete"
UPGRADE_REQUIRED = "upgrade-required"
MAX_RECORD_BYTES = 1024 * 1024  # the append route's body limit


@dataclass(frozen=True, slots=True)
class SessionPart:
    """One record of a session channel.

    ``data`` is what the writer sent: a record's text decoded as JSON when it is JSON (what
    `SessionChannel.send` writes), else the text itself; None for a control record.
    ``control`` names a control record (``"turn-complete"`` when the agent finished a turn,
    ``"upgrade-required"``) and is None for data. ``seq_num`` is the record's position in
    the channel: pass it as ``last_event_id`` (as a string) to go on after it.
    """

    data: Any
    seq_num: int
    part_id: str | None = None
    control: str | None = None
    timestamp: int | None = None
    headers: tuple[tuple[str, str], ...] = field(default=())

    @property
    def is_turn_complete(self) -> bool:
        """True for the control record that ends an agent's turn."""
        return self.control == TURN_COMPLETE


def _headers(raw: Any) -> tuple[tuple[str, str], ...]:
    if not isinstance(raw, list):
        return ()
    return tuple(
        (str(pair[0]), str(pair[1])) for pair in raw if isinstance(pair, (list, tuple)) and len(pair) == 2
    )


def _control(headers: tuple[tuple[str, str], ...]) -> str | None:
    for name, value in headers:
        if name == CONTROL_HEADER:
            return value
    return None


def _decoded(value: Any) -> Any:
    # The append route stores the posted text as it came; a writer on the store may put a
    # JSON value there instead. Text that is JSON is decoded, so both read the same.
    if isinstance(value, str):
        try:
            return _json.loads(value)
        except ValueError:
            return value
    return value


class RecordDecoder:
    """Turns a channel's events (or its one-shot records) into parts, tracking the position
    and dropping part ids already seen (a writer's retry that reached the store twice)."""

    def __init__(self, last_event_id: str | None) -> None:
        self.last_event_id = last_event_id
        self.version = "v2"
        self.read_without_position = False  # every record has a seq_num
        self._seen = SeenParts()

    def start(self, headers: Any) -> EventParser:
        """A parser for a newly opened answer, resuming after the last position."""
        parser = EventParser()
        parser.last_id = self.last_event_id
        return parser

    def _fresh(self, part_id: Any) -> bool:
        if not isinstance(part_id, str) or not part_id:
            return True  # a control record, or a writer that named no part
        return not self._seen.repeated(part_id)

    def chunks(self, event: Event) -> list[SessionPart]:
        """The parts of one server-sent event (only ``batch`` events carry any)."""
        parts = []
        for record in batch_records(event, "sessions"):
            if not isinstance(record, dict) or not isinstance(record.get("seq_num"), int):
                continue
            seq_num: int = record["seq_num"]
            self.last_event_id = str(seq_num)  # past skipped records too, so a resume skips them
            headers = _headers(record.get("headers"))
            if headers and headers[0][0] == "":
                continue  # a command record of the store (trim, fence)
            control = _control(headers)
            timestamp = record.get("timestamp") if isinstance(record.get("timestamp"), int) else None
            body = record.get("body")
            if not body:
                if control is not None:
                    parts.append(SessionPart(None, seq_num, None, control, timestamp, headers))
                continue
            envelope = _decoded(body)
            if isinstance(envelope, dict) and "data" in envelope:
                part_id = envelope.get("id")
                if not self._fresh(part_id):
                    continue
                data = _decoded(envelope["data"])
                named = part_id if isinstance(part_id, str) and part_id else None
                parts.append(SessionPart(data, seq_num, named, control, timestamp, headers))
            else:
                parts.append(SessionPart(envelope, seq_num, None, control, timestamp, headers))
        return parts

    def records(self, answer: Mapping[str, Any]) -> list[SessionPart]:
        """The parts of a one-shot ``records`` answer."""
        parts = []
        for record in answer.get("records", ()):
            if not isinstance(record, Mapping) or not isinstance(record.get("seqNum"), int):
                continue
            seq_num: int = record["seqNum"]
            self.last_event_id = str(seq_num)
            headers = _headers(record.get("headers"))
            if headers and headers[0][0] == "":
                continue
            control = _control(headers)
            part_id = record.get("id")
            if control is None and not self._fresh(part_id):
                continue
            raw = record.get("data")
            data = None if control is not None and not raw else _decoded(raw)
            named = part_id if isinstance(part_id, str) and part_id else None
            parts.append(SessionPart(data, seq_num, named, control, None, headers))
        return parts


def encode_record(method: str, data: Any) -> str:
    """The text of one record: ``data`` as compact JSON, refused before sending when it is
    not JSON or larger than the server takes."""
    try:
        text = json.dumps(data, separators=(",", ":"), allow_nan=False, ensure_ascii=False)
    except (TypeError, ValueError) as exc:
        raise ArgumentTypeError(
            f"{method}() data must be JSON: dicts, lists, strings, numbers, booleans or None ({exc})"
        ) from None
    size = len(text.encode())
    if size > MAX_RECORD_BYTES:
        raise InvalidArgumentError(
            f"{method}() data is {size} bytes as JSON; a session record holds at most "
            f"{MAX_RECORD_BYTES} bytes (1 MiB), so send it in smaller parts"
        )
    return text


def new_part_id(part_id: str | None, method: str) -> str:
    """The ``X-Part-Id`` of one logical send: the caller's, or a fresh random one."""
    if part_id is None:
        return uuid.uuid4().hex
    if not isinstance(part_id, str) or not part_id or len(part_id) > 256:
        raise InvalidArgumentError(
            f"{method}() part_id must be a non-empty string of at most 256 characters, got {part_id!r}"
        )
    return part_id


def check_after(method: str, value: int | str | None) -> str | None:
    """A position argument as the wire's digits."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, str)) or not str(value).isdigit():
        raise InvalidArgumentError(
            f"{method}() position must be a record's seq_num (a whole number of zero or more), got {value!r}"
        )
    return str(int(value))

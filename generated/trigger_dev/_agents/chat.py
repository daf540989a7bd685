# Copied by codegen.py from templates/runtime/_agents/chat.py (sha256 4183a4598b416098); edit that file, not this one.
"""`AgentChat`: talking to a chat agent task (``chat.agent`` in task code) from a backend,
the Python counterpart of the official SDK's server-side ``AgentChat``.

A conversation is a session whose external id is the chat id. `AgentChat.send_message`
makes sure the session is started (`sessions.start` with that external id, which resumes
it when it exists), writes the user's message to the session's ``in`` channel in the
envelope the agent reads (``{"kind": "message", "payload": {...}}``), and reads the agent's
answer from ``out`` part by part until the ``turn-complete`` control record. The payloads,
the requests (as steps either client carries out), the filtering of parts and the position
are written once, in `_Chat` and `_Turn`; the sync and async classes keep only their
signatures and the loop over the answer.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from .._exceptions import InvalidArgumentError, NotFoundError
from .._http.steps import Request, Steps
from .._logging import logger
from .._realtime.closing import AsyncClosing, Closing
from .channels import AsyncSessionChannel, AsyncSessionStream, SessionChannel, SessionStream
from .records import TURN_COMPLETE, UPGRADE_REQUIRED, SessionPart, check_after

if TYPE_CHECKING:  # the clients are named as strings in the generic bases below
    from .._async_base_client import AsyncAPIClient  # noqa: F401
    from .._base_client import BaseAPIClient, SyncAPIClient  # noqa: F401
    from .._realtime.output_streams import _Stream
    from ..models import StartedSession
    from .channels import _Channel

__all__ = ["AgentChat", "AsyncAgentChat", "AsyncChatTurn", "ChatTurn"]

SESSION_TYPE = "chat.agent"
TURN_TIMEOUT_SECONDS = 120  # the official chat client's wait for an answer's next record

ClientT = TypeVar("ClientT", bound="BaseAPIClient")
ChannelT = TypeVar("ChannelT", bound="_Channel[Any, Any]")


class _Chat(Generic[ClientT, ChannelT]):
    """A conversation, written once for the sync and the async client: its decisions, and
    its requests as steps the client carries out (`_http.steps`)."""

    _channel: type[ChannelT]

    def __init__(
        self,
        client: ClientT,
        agent: str,
        *,
        chat_id: str | None = None,
        client_data: Any = None,
        last_event_id: int | str | None = None,
    ) -> None:
        if not isinstance(agent, str) or not agent.strip():
            raise InvalidArgumentError(
                f"sessions.chat() agent must be the chat agent task's id, got {agent!r}"
            )
        if chat_id is not None and (not isinstance(chat_id, str) or not chat_id.strip()):
            raise InvalidArgumentError(
                f"sessions.chat() chat_id must be a non-empty string or None, got {chat_id!r}"
            )
        self.agent = agent
        self.chat_id: str = chat_id if chat_id is not None else str(uuid.uuid4())
        self.client_data = client_data
        self._last_event_id = check_after("sessions.chat", last_event_id)
        self.session: StartedSession | None = None
        self._client = client
        self._input = self._channel(client, self.chat_id, "in")
        self._output = self._channel(client, self.chat_id, "out")

    @property
    def last_event_id(self) -> str | None:
        """The position in the agent's ``out`` channel after the last turn read: save it to
        resume this chat later (``sessions.chat(agent, chat_id=..., last_event_id=...)``)."""
        return self._last_event_id

    def _start_args(self) -> dict[str, Any]:
        base: dict[str, Any] = {"trigger": "preload", "chatId": self.chat_id}
        if self.client_data is not None:
            base["metadata"] = self.client_data
        return {
            "task_identifier": self.agent,
            "type": SESSION_TYPE,
            "external_id": self.chat_id,
            "trigger_config": {"base_payload": base},
        }

    def _starting(self) -> Steps[StartedSession]:
        """`start`: the session started (or resumed) once, and a resumed chat without a saved
        position placed after its earlier turns, which are in ``out`` already."""
        from .. import _operations as operations

        if self.session is None:
            started = (yield Request(operations.SESSIONS_START, self._start_args(), None)).parse()
            if started.is_cached and self._last_event_id is None:
                try:
                    parts: list[SessionPart] = yield from self._output._reading(None, None)
                except NotFoundError:
                    logger.info("sessions.chat: this server cannot list a channel's records (before 4.5.0)")
                else:
                    if parts:
                        self._last_event_id = str(parts[-1].seq_num)
            self.session = started
        return self.session

    def _message(self, text: str) -> dict[str, Any]:
        if not isinstance(text, str) or not text:
            raise InvalidArgumentError(f"send_message() text must be a non-empty string, got {text!r}")
        message = {
            "id": f"msg-{int(time.time() * 1000)}-{uuid.uuid4().hex[:8]}",
            "role": "user",
            "parts": [{"type": "text", "text": text}],
        }
        payload: dict[str, Any] = {"message": message, "chatId": self.chat_id, "trigger": "submit-message"}
        if self.client_data is not None:
            payload["metadata"] = self.client_data
        return {"kind": "message", "payload": payload}

    def _sending(self, text: str) -> Steps[None]:
        """`send_message` up to the answer: the message checked, the session started, the
        message sent."""
        message = self._message(text)
        yield from self._starting()
        yield from self._input._sending(message, None, None)

    def _answer(self, timeout_seconds: int) -> Any:
        """The reader of this turn's answer, from the position after the last turn."""
        return self._output.subscribe(
            last_event_id=self._last_event_id, timeout_seconds=timeout_seconds, until_turn_complete=True
        )

    def _stopping(self) -> Steps[None]:
        if self.session is not None:
            yield from self._input._sending({"kind": "stop"}, None, None)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} agent={self.agent!r} chat_id={self.chat_id!r}>"


ChatT = TypeVar("ChatT", bound="_Chat[Any, Any]")
StreamT = TypeVar("StreamT", bound="_Stream[Any]")


class _Turn(Generic[ChatT, StreamT]):
    """Which parts of ``out`` are the agent's answer, and when the turn is over."""

    def __init__(self, chat: ChatT, stream: StreamT) -> None:
        self._chat = chat
        self._stream = stream
        self._done = False
        self._chunks = self._read()

    @property
    def complete(self) -> bool:
        """True once the agent's ``turn-complete`` record was read; False while reading, or
        when the server ended the answer first (nothing came for ``timeout_seconds``)."""
        return self._done

    def _chunk(self, part: SessionPart) -> dict[str, Any] | None:
        """The chunk to hand on, or None for a part that is not one (control, legacy marker)."""
        self._chat._last_event_id = self._stream.last_event_id
        if part.control == TURN_COMPLETE:
            self._done = True
            return None
        if part.control is not None:
            return None  # upgrade-required: the next run writes to the same channel
        data = part.data
        if isinstance(data, Mapping):
            kind = data.get("type")
            if isinstance(kind, str) and kind.startswith("trigger:"):
                # An agent of an older SDK writes its control records as chunks.
                self._done = kind == f"trigger:{TURN_COMPLETE}"
                if kind not in (f"trigger:{TURN_COMPLETE}", f"trigger:{UPGRADE_REQUIRED}"):
                    logger.debug("sessions.chat: unknown control chunk %r skipped", kind)
                return None
            return dict(data)
        if data is None:
            return None
        return {"type": "data", "data": data}

    @staticmethod
    def _text(chunks: list[dict[str, Any]]) -> str:
        return "".join(str(c.get("delta", "")) for c in chunks if c.get("type") == "text-delta")

    def _read(self) -> Any:
        """The chunks, as the sync or the async turn reads them from the stream."""
        raise NotImplementedError


class ChatTurn(_Turn["AgentChat", SessionStream], Closing):
    """The agent's answer to one message: ``for chunk in turn``, each an AI SDK UI message
    chunk as a dict (``{"type": "text-delta", "delta": ...}`` and the like), until the
    agent completes the turn. A context manager; `close` stops reading."""

    _chunks: Iterator[dict[str, Any]]

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return self

    def __next__(self) -> dict[str, Any]:
        return next(self._chunks)

    def _read(self) -> Iterator[dict[str, Any]]:
        with self._stream:
            for part in self._stream:
                if (chunk := self._chunk(part)) is not None:
                    yield chunk
                if self._done:
                    return

    def text(self) -> str:
        """Read the rest of the answer and return its text (the ``text-delta`` chunks joined)."""
        return self._text(list(self))

    def close(self) -> None:
        """Stop reading this answer."""
        self._stream.close()


class AsyncChatTurn(_Turn["AsyncAgentChat", AsyncSessionStream], AsyncClosing):
    """`ChatTurn` for `AsyncTriggerClient`: ``async for chunk in turn``."""

    _chunks: AsyncIterator[dict[str, Any]]

    def __aiter__(self) -> AsyncIterator[dict[str, Any]]:
        return self

    async def __anext__(self) -> dict[str, Any]:
        return await self._chunks.__anext__()

    async def _read(self) -> AsyncIterator[dict[str, Any]]:
        async with self._stream:
            async for part in self._stream:
                if (chunk := self._chunk(part)) is not None:
                    yield chunk
                if self._done:
                    return

    async def text(self) -> str:
        """See `ChatTurn.text`."""
        return self._text([chunk async for chunk in self])

    async def aclose(self) -> None:
        """Stop reading this answer."""
        await self._stream.aclose()


class AgentChat(_Chat["SyncAPIClient", SessionChannel]):
    """A conversation with a chat agent task, from a backend: ``client.sessions.chat(agent)``.

    `send_message` starts the conversation's session the first time (or resumes the one
    with this `chat_id`), sends the text as the user's message and returns the agent's
    answer as a `ChatTurn`. Keep `chat_id` and `last_event_id` to carry the conversation
    on from another process.
    """

    _channel = SessionChannel

    def start(self) -> StartedSession:
        """Start the conversation's session, or resume it (nothing is sent a second time)."""
        return self._client.run(self._starting())

    def send_message(self, text: str, *, timeout_seconds: int = TURN_TIMEOUT_SECONDS) -> ChatTurn:
        """Send ``text`` as the user's next message and return the agent's answer, read as
        it arrives. The message is sent before this returns; the answer is read while you
        iterate. The reading ends at the agent's ``turn-complete`` record, or when nothing
        comes for ``timeout_seconds`` (1 to 600; `ChatTurn.complete` then stays False)."""
        self._client.run(self._sending(text))
        return ChatTurn(self, self._answer(timeout_seconds))

    def stop(self) -> None:
        """Ask the agent to stop the answer it is writing (the session stays open)."""
        self._client.run(self._stopping())


class AsyncAgentChat(_Chat["AsyncAPIClient", AsyncSessionChannel]):
    """`AgentChat` for `AsyncTriggerClient`."""

    _channel = AsyncSessionChannel

    async def start(self) -> StartedSession:
        """See `AgentChat.start`."""
        return await self._client.run(self._starting())

    async def send_message(self, text: str, *, timeout_seconds: int = TURN_TIMEOUT_SECONDS) -> AsyncChatTurn:
        """See `AgentChat.send_message`: ``async for chunk in await chat.send_message(text)``."""
        await self._client.run(self._sending(text))
        return AsyncChatTurn(self, self._answer(timeout_seconds))

    async def stop(self) -> None:
        """See `AgentChat.stop`."""
        await self._client.run(self._stopping())

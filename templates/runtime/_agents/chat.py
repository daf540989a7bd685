# Runtime source of trigger_dev: codegen.py copies it into generated/trigger_dev/ unchanged.
"""`AgentChat`: talking to a chat agent task (``chat.agent`` in task code) from a backend,
the Python counterpart of the official SDK's server-side ``AgentChat``.

A conversation is a session whose external id is the chat id. `AgentChat.send_message`
makes sure the session is started (`sessions.start` with that external id, which resumes
it when it exists), writes the user's message to the session's ``in`` channel in the
envelope the agent reads (``{"kind": "message", "payload": {...}}``), and reads the agent's
answer from ``out`` part by part until the ``turn-complete`` control record. The payloads,
the filtering of parts and the position are decided in `_Chat`, once for sync and async.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator, Iterator, Mapping
from types import TracebackType
from typing import TYPE_CHECKING, Any

from .._exceptions import InvalidArgumentError, NotFoundError
from .._logging import logger
from .channels import AsyncSessionChannel, AsyncSessionStream, SessionChannel, SessionStream
from .records import TURN_COMPLETE, UPGRADE_REQUIRED, SessionPart, check_after

if TYPE_CHECKING:
    from .._async_base_client import AsyncAPIClient
    from .._base_client import SyncAPIClient
    from ..models import StartedSession

__all__ = ["AgentChat", "AsyncAgentChat", "AsyncChatTurn", "ChatTurn"]

SESSION_TYPE = "chat.agent"
TURN_TIMEOUT_SECONDS = 120  # the official chat client's wait for an answer's next record


class _Chat:
    """The decisions of a conversation, with no I/O."""

    def __init__(
        self, agent: str, chat_id: str | None, client_data: Any, last_event_id: int | str | None
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

    def _needs_tail(self, started: StartedSession) -> bool:
        # A resumed chat without a saved position: its earlier turns are in ``out`` already,
        # and this turn's answer starts after them.
        return started.is_cached and self._last_event_id is None

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

    def _tail(self, parts: list[SessionPart]) -> None:
        if parts:
            self._last_event_id = str(parts[-1].seq_num)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} agent={self.agent!r} chat_id={self.chat_id!r}>"


class _Turn:
    """Which parts of ``out`` are the agent's answer, and when the turn is over."""

    def __init__(self, chat: _Chat) -> None:
        self._chat = chat
        self._done = False

    @property
    def complete(self) -> bool:
        """True once the agent's ``turn-complete`` record was read; False while reading, or
        when the server ended the answer first (nothing came for ``timeout_seconds``)."""
        return self._done

    def _chunk(self, part: SessionPart, position: str | None) -> dict[str, Any] | None:
        """The chunk to hand on, or None for a part that is not one (control, legacy marker)."""
        self._chat._last_event_id = position
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


class ChatTurn(_Turn):
    """The agent's answer to one message: ``for chunk in turn``, each an AI SDK UI message
    chunk as a dict (``{"type": "text-delta", "delta": ...}`` and the like), until the
    agent completes the turn. A context manager; `close` stops reading."""

    def __init__(self, chat: AgentChat, stream: SessionStream) -> None:
        super().__init__(chat)
        self._stream = stream
        self._chunks = self._read()

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return self

    def __next__(self) -> dict[str, Any]:
        return next(self._chunks)

    def _read(self) -> Iterator[dict[str, Any]]:
        with self._stream:
            for part in self._stream:
                chunk = self._chunk(part, self._stream.last_event_id)
                if chunk is not None:
                    yield chunk
                if self._done:
                    return

    def text(self) -> str:
        """Read the rest of the answer and return its text (the ``text-delta`` chunks joined)."""
        return self._text(list(self))

    def close(self) -> None:
        """Stop reading this answer."""
        self._stream.close()

    def __enter__(self) -> ChatTurn:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()


class AsyncChatTurn(_Turn):
    """`ChatTurn` for `AsyncTriggerClient`: ``async for chunk in turn``."""

    def __init__(self, chat: AsyncAgentChat, stream: AsyncSessionStream) -> None:
        super().__init__(chat)
        self._stream = stream
        self._chunks = self._read()

    def __aiter__(self) -> AsyncIterator[dict[str, Any]]:
        return self

    async def __anext__(self) -> dict[str, Any]:
        return await self._chunks.__anext__()

    async def _read(self) -> AsyncIterator[dict[str, Any]]:
        async with self._stream:
            async for part in self._stream:
                chunk = self._chunk(part, self._stream.last_event_id)
                if chunk is not None:
                    yield chunk
                if self._done:
                    return

    async def text(self) -> str:
        """See `ChatTurn.text`."""
        return self._text([chunk async for chunk in self])

    async def aclose(self) -> None:
        """Stop reading this answer."""
        await self._stream.aclose()

    async def __aenter__(self) -> AsyncChatTurn:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        await self.aclose()


class AgentChat(_Chat):
    """A conversation with a chat agent task, from a backend: ``client.sessions.chat(agent)``.

    `send_message` starts the conversation's session the first time (or resumes the one
    with this `chat_id`), sends the text as the user's message and returns the agent's
    answer as a `ChatTurn`. Keep `chat_id` and `last_event_id` to carry the conversation
    on from another process.
    """

    def __init__(
        self,
        client: SyncAPIClient,
        agent: str,
        *,
        chat_id: str | None = None,
        client_data: Any = None,
        last_event_id: int | str | None = None,
    ) -> None:
        super().__init__(agent, chat_id, client_data, last_event_id)
        self._client = client
        self._input = SessionChannel(client, self.chat_id, "in")
        self._output = SessionChannel(client, self.chat_id, "out")

    def start(self) -> StartedSession:
        """Start the conversation's session, or resume it (nothing is sent a second time)."""
        from .. import _operations as operations

        if self.session is None:
            started = self._client.request(operations.SESSIONS_START, self._start_args()).parse()
            if self._needs_tail(started):
                try:
                    self._tail(self._output.read())
                except NotFoundError:
                    logger.info("sessions.chat: this server cannot list a channel's records (before 4.5.0)")
            self.session = started
        return self.session

    def send_message(self, text: str, *, timeout_seconds: int = TURN_TIMEOUT_SECONDS) -> ChatTurn:
        """Send ``text`` as the user's next message and return the agent's answer, read as
        it arrives. The message is sent before this returns; the answer is read while you
        iterate. The reading ends at the agent's ``turn-complete`` record, or when nothing
        comes for ``timeout_seconds`` (1 to 600; `ChatTurn.complete` then stays False)."""
        message = self._message(text)
        self.start()
        self._input.send(message)
        stream = self._output.subscribe(
            last_event_id=self._last_event_id, timeout_seconds=timeout_seconds, until_turn_complete=True
        )
        return ChatTurn(self, stream)

    def stop(self) -> None:
        """Ask the agent to stop the answer it is writing (the session stays open)."""
        if self.session is not None:
            self._input.send({"kind": "stop"})


class AsyncAgentChat(_Chat):
    """`AgentChat` for `AsyncTriggerClient`."""

    def __init__(
        self,
        client: AsyncAPIClient,
        agent: str,
        *,
        chat_id: str | None = None,
        client_data: Any = None,
        last_event_id: int | str | None = None,
    ) -> None:
        super().__init__(agent, chat_id, client_data, last_event_id)
        self._client = client
        self._input = AsyncSessionChannel(client, self.chat_id, "in")
        self._output = AsyncSessionChannel(client, self.chat_id, "out")

    async def start(self) -> StartedSession:
        """See `AgentChat.start`."""
        from .. import _operations as operations

        if self.session is None:
            started = (await self._client.request(operations.SESSIONS_START, self._start_args())).parse()
            if self._needs_tail(started):
                try:
                    self._tail(await self._output.read())
                except NotFoundError:
                    logger.info("sessions.chat: this server cannot list a channel's records (before 4.5.0)")
            self.session = started
        return self.session

    async def send_message(self, text: str, *, timeout_seconds: int = TURN_TIMEOUT_SECONDS) -> AsyncChatTurn:
        """See `AgentChat.send_message`: ``async for chunk in await chat.send_message(text)``."""
        message = self._message(text)
        await self.start()
        await self._input.send(message)
        stream = self._output.subscribe(
            last_event_id=self._last_event_id, timeout_seconds=timeout_seconds, until_turn_complete=True
        )
        return AsyncChatTurn(self, stream)

    async def stop(self) -> None:
        """See `AgentChat.stop`."""
        if self.session is not None:
            await self._input.send({"kind": "stop"})

# Runtime source of trigger_dev: codegen.py copies it into generated/trigger_dev/ unchanged.
"""The hand-written half of the `sessions` namespace: `sessions.open` (a session's
channels) and `sessions.chat` (a conversation with a chat agent)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .channels import AsyncSessionHandle, SessionHandle, check_session
from .chat import AgentChat, AsyncAgentChat

if TYPE_CHECKING:
    from .._async_base_client import AsyncAPIClient
    from .._base_client import SyncAPIClient

__all__ = ["AsyncSessionChannels", "SessionChannels"]


class SessionChannels:
    """Methods of `sessions` written by hand: a session's channels, and the chat client."""

    _client: SyncAPIClient

    def open(self, session_id: str) -> SessionHandle:
        """The ``in`` and ``out`` channels of a session, by its id or the external id it was
        started with. Opening sends nothing."""
        check_session("sessions.open", session_id)
        return SessionHandle(self._client, session_id)

    def chat(
        self,
        agent: str,
        *,
        chat_id: str | None = None,
        client_data: Any = None,
        last_event_id: int | str | None = None,
    ) -> AgentChat:
        """A conversation with the chat agent task ``agent`` (see `AgentChat`): ``chat_id``
        resumes one (with ``last_event_id``, the `AgentChat.last_event_id` saved after its
        last turn), a new random id starts another."""
        return AgentChat(
            self._client, agent, chat_id=chat_id, client_data=client_data, last_event_id=last_event_id
        )


class AsyncSessionChannels:
    """`SessionChannels` for `AsyncTriggerClient`."""

    _client: AsyncAPIClient

    def open(self, session_id: str) -> AsyncSessionHandle:
        """See `SessionChannels.open`."""
        check_session("sessions.open", session_id)
        return AsyncSessionHandle(self._client, session_id)

    def chat(
        self,
        agent: str,
        *,
        chat_id: str | None = None,
        client_data: Any = None,
        last_event_id: int | str | None = None,
    ) -> AsyncAgentChat:
        """See `SessionChannels.chat`."""
        return AsyncAgentChat(
            self._client, agent, chat_id=chat_id, client_data=client_data, last_event_id=last_event_id
        )

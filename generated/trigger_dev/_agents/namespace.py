# Copied by codegen.py from templates/runtime/_agents/namespace.py (sha256 9ed4c7be8c1e6439); edit that file, not this one.
"""The hand-written half of the `sessions` namespace: `sessions.open` (a session's
channels) and `sessions.chat` (a conversation with a chat agent)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Generic, TypeVar

from .channels import AsyncSessionHandle, SessionHandle, check_session
from .chat import AgentChat, AsyncAgentChat

if TYPE_CHECKING:
    from .._async_base_client import AsyncAPIClient
    from .._base_client import SyncAPIClient

__all__ = ["AsyncSessionChannels", "SessionChannels"]

HandleT = TypeVar("HandleT", SessionHandle, AsyncSessionHandle)
ChatT = TypeVar("ChatT", AgentChat, AsyncAgentChat)


class _SessionMethods(Generic[HandleT, ChatT]):
    """Methods of `sessions` written by hand, once for both clients (opening a session or a
    chat sends nothing, so nothing here is awaited)."""

    _client: Any
    _session_handle: type[HandleT]
    _agent_chat: type[ChatT]

    def open(self, session_id: str) -> HandleT:
        """The ``in`` and ``out`` channels of a session, by its id or the external id it was
        started with. Opening sends nothing."""
        check_session("sessions.open", session_id)
        return self._session_handle(self._client, session_id)

    def chat(
        self,
        agent: str,
        *,
        chat_id: str | None = None,
        client_data: Any = None,
        last_event_id: int | str | None = None,
    ) -> ChatT:
        """A conversation with the chat agent task ``agent`` (see `AgentChat`): ``chat_id``
        resumes one (with ``last_event_id``, the `AgentChat.last_event_id` saved after its
        last turn), a new random id starts another."""
        return self._agent_chat(
            self._client, agent, chat_id=chat_id, client_data=client_data, last_event_id=last_event_id
        )


class SessionChannels(_SessionMethods[SessionHandle, AgentChat]):
    """Methods of `sessions` written by hand: a session's channels, and the chat client."""

    _client: SyncAPIClient
    _session_handle = SessionHandle
    _agent_chat = AgentChat


class AsyncSessionChannels(_SessionMethods[AsyncSessionHandle, AsyncAgentChat]):
    """`SessionChannels` for `AsyncTriggerClient`."""

    _client: AsyncAPIClient
    _session_handle = AsyncSessionHandle
    _agent_chat = AsyncAgentChat

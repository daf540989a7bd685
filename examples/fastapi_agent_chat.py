"""A FastAPI backend that relays a chat agent's answer to the browser as it is written.

``POST /api/chat`` with ``{"chatId": ..., "message": ...}`` sends the user's message to the
``support-agent`` chat agent task (starting its session the first time, resuming it after)
and answers with server-sent events in the AI SDK's UI message stream format: one
``data: <chunk JSON>`` event per chunk and ``data: [DONE]`` at the end, the shape a browser
chat UI (``useChat`` with a ``DefaultChatTransport`` pointed at this route) consumes. The
secret key stays on the server.

Run it with ``uvicorn fastapi_agent_chat:app`` (``pip install fastapi uvicorn
'trigger-dev[async]'``, TRIGGER_SECRET_KEY set). Run as a script, it asks itself one
question through FastAPI's test client and prints the events, which is how the README runs
it against a local stand-in.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.responses import StreamingResponse
from pydantic import BaseModel

import trigger_dev

AGENT = "support-agent"
client: trigger_dev.AsyncTriggerClient


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    global client
    async with trigger_dev.AsyncTriggerClient() as client:  # TRIGGER_SECRET_KEY from the environment
        yield


app = FastAPI(lifespan=lifespan)


class ChatRequest(BaseModel):
    chatId: str  # the browser's field name
    message: str


@app.post("/api/chat")
async def chat(request: ChatRequest) -> StreamingResponse:
    conversation = client.sessions.chat(AGENT, chat_id=request.chatId)
    turn = await conversation.send_message(request.message)  # sent before the answer starts

    async def events() -> AsyncIterator[str]:
        async with turn:
            async for chunk in turn:
                yield f"data: {json.dumps(chunk)}\n\n"
        yield "data: [DONE]\n\n"

    return StreamingResponse(
        events(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "x-vercel-ai-ui-message-stream": "v1"},
    )


def main() -> None:
    from fastapi.testclient import TestClient

    with TestClient(app) as browser:
        answer = browser.post("/api/chat", json={"chatId": "chat_42", "message": "Where is my order?"})
        print("content type:", answer.headers["content-type"])
        events = [e.removeprefix("data: ") for e in answer.text.split("\n\n") if e]
        chunks = [json.loads(e) for e in events[:-1]]
        print("chunk types:", " ".join(chunk["type"] for chunk in chunks))
        print("text:", "".join(chunk.get("delta", "") for chunk in chunks if chunk["type"] == "text-delta"))
        print("last event:", events[-1])


if __name__ == "__main__":
    main()

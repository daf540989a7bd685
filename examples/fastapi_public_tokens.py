"""A FastAPI backend that triggers a task for the browser and lets the page watch it.

The browser never sees the secret key: it gets a public access token scoped to one run,
which `@trigger.dev/react-hooks` (useRealtimeRun) accepts, or it follows the run through
this backend's own server-sent events. Run it with ``uvicorn fastapi_public_tokens:app``;
it needs ``pip install fastapi 'trigger-dev[async]'``.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.responses import StreamingResponse

import trigger_dev

client: trigger_dev.AsyncTriggerClient


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    global client
    async with trigger_dev.AsyncTriggerClient() as client:  # TRIGGER_SECRET_KEY from the environment
        yield


app = FastAPI(lifespan=lifespan)


@app.post("/summaries")
async def start_summary(body: dict[str, Any]) -> dict[str, Any]:
    """Trigger the task; hand the page the run id and the token the server made for it."""
    handle = await client.tasks.trigger("summarize-article", {"url": body["url"]})
    return {"runId": handle.id, "publicAccessToken": handle.public_access_token}


@app.get("/runs/{run_id}/token")
async def read_token(run_id: str) -> dict[str, str]:
    """A fresh token that can read this run (and its streams) for 15 minutes."""
    token = await client.auth.create_public_token(scopes={"read": {"runs": [run_id]}}, expiration="15m")
    return {"publicAccessToken": token}


@app.get("/runs/{run_id}/events")
async def run_events(run_id: str) -> StreamingResponse:
    """The run's snapshots as server-sent events, until it finishes (or the page goes away)."""

    async def events() -> AsyncIterator[str]:
        async with client.runs.subscribe_to_run(run_id, skip_columns=["payload"]) as subscription:
            async for run in subscription:
                snapshot = {"status": str(run.status), "metadata": run.metadata, "output": run.output}
                yield f"data: {json.dumps(snapshot)}\n\n"

    return StreamingResponse(events(), media_type="text/event-stream")


if __name__ == "__main__":
    print("run it with: uvicorn fastapi_public_tokens:app --reload")

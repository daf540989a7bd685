"""The async client: the same calls, awaited, and lists you can `async for` over.

Needs the extra: pip install 'trigger-dev[async]'.
"""

from __future__ import annotations

import asyncio

import trigger_dev


async def main() -> None:
    async with trigger_dev.AsyncTriggerClient(request_options={"retry": {"max_attempts": 2}}) as client:
        handle, batch = await asyncio.gather(
            client.tasks.trigger("send-welcome-email", {"userId": "user_5678"}),
            client.tasks.batch_trigger("send-welcome-email", [{"payload": {"userId": "user_1"}}]),
        )
        print(f"triggered {handle.id} and batch {batch.id} concurrently")

        run = await client.runs.retrieve(handle.id)
        print(f"retrieved {run.id}: {run.status}")

        page = await client.runs.list(limit=10)
        print(f"first page: {[r.id for r in page.data]}, more: {page.has_next_page()}")
        ids = [r.id async for r in client.runs.list(limit=10)]
        print(f"every run: {ids}")

        raw = await client.schedules.with_raw_response.timezones()
        print(f"raw: HTTP {raw.status_code}, {len(raw.parse().timezones)} timezones")


asyncio.run(main())

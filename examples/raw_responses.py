"""Raw responses: status and headers first, the typed result when you want it."""

from __future__ import annotations

import trigger_dev

client = trigger_dev.TriggerClient()

raw = client.tasks.with_raw_response.trigger("send-welcome-email", {"userId": "user_5678"})
print(f"HTTP {raw.status_code}; public access token header present: {'x-trigger-jwt' in raw.headers}")
print(f"body: {raw.json()}")
handle = raw.parse()
print(f"parsed: run {handle.id}")

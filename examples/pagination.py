"""Pagination: pages by cursor (runs) and by number (schedules), forward and back."""

from __future__ import annotations

import trigger_dev

client = trigger_dev.TriggerClient()

page = client.runs.list(limit=25, status=["COMPLETED"])
print(f"first page: {[run.id for run in page.data]}, next cursor: {page.next_cursor}")
if page.has_next_page():
    second = page.get_next_page()
    print(f"second page has a previous page: {second.has_previous_page()}")

schedules = client.schedules.list(per_page=20)
print(f"schedules page {schedules.current_page} of {schedules.total_pages} ({schedules.count} in all)")
for schedule in schedules:  # every schedule on every page, fetched as needed
    print(f"  {schedule.id}: {schedule.generator.expression} ({schedule.timezone})")

try:
    schedules.get_previous_page()
except trigger_dev.NoSuchPageError as error:
    print(f"no page before the first: {error}")

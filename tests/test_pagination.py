"""Both pagination styles across several pages, forward and backward, against a local server
that pages through a fixed list the way the real server does."""

from __future__ import annotations

import gc
import json
import weakref
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

import trigger_dev
from tests.support.clients import sync_client
from tests.support.factories import run_list_item
from tests.support.local_server import JsonHandler, serving
from trigger_dev import TriggerClient
from trigger_dev.models import ListRunItem

RUN_IDS = [f"run_{i:03d}" for i in range(7)]  # newest first, three pages of three


def cursor_pages(request: Request) -> Response:
    """Cursor pagination over RUN_IDS; cursors are opaque strings, as on the real server."""
    size = int(request.args.get("page[size]", 3))
    after, before = request.args.get("page[after]"), request.args.get("page[before]")
    if before is not None:
        end = RUN_IDS.index(before.removeprefix("cur:"))
        start = max(0, end - size)
    else:
        start = RUN_IDS.index(after.removeprefix("cur:")) + 1 if after else 0
        end = min(len(RUN_IDS), start + size)
    pagination = {}
    if end < len(RUN_IDS):
        pagination["next"] = f"cur:{RUN_IDS[end - 1]}"
    if start > 0:
        pagination["previous"] = f"cur:{RUN_IDS[start]}"
    body = {"data": [run_list_item(i) for i in RUN_IDS[start:end]], "pagination": pagination}
    return Response(json.dumps(body), content_type="application/json")


def schedule_item(number: int) -> dict[str, Any]:
    return {
        "id": f"sched_{number}",
        "type": "IMPERATIVE",
        "task": "t",
        "active": True,
        "generator": {"type": "CRON", "expression": "0 * * * *", "description": "hourly"},
        "timezone": "UTC",
        "nextRun": None,
        "nextRunEffectiveAt": None,
        "environments": [],
    }


def numbered_pages(request: Request) -> Response:
    per_page = int(request.args.get("perPage", 20))
    page = int(request.args.get("page", 1))
    total = 7
    numbers = range((page - 1) * per_page, min(total, page * per_page))
    body = {
        "data": [schedule_item(n) for n in numbers],
        "pagination": {"currentPage": page, "totalPages": -(-total // per_page), "count": total},
    }
    return Response(json.dumps(body), content_type="application/json")


@pytest.fixture
def client(httpserver: HTTPServer) -> TriggerClient:
    httpserver.expect_request("/api/v1/runs").respond_with_handler(cursor_pages)
    httpserver.expect_request("/api/v1/schedules").respond_with_handler(numbered_pages)
    return sync_client(httpserver.url_for(""))


def ids(page: trigger_dev.Page[Any]) -> list[str]:
    return [item.id for item in page.data]


def test_cursor_pages_forward_and_back(client: TriggerClient, httpserver: HTTPServer) -> None:
    first = client.runs.list(limit=3, status=["COMPLETED"])
    assert ids(first) == RUN_IDS[0:3] and not first.has_previous_page()
    second = first.get_next_page()
    third = second.get_next_page()
    assert ids(second) == RUN_IDS[3:6] and ids(third) == RUN_IDS[6:]
    assert not third.has_next_page()
    with pytest.raises(trigger_dev.NoSuchPageError, match="no next page"):
        third.get_next_page()

    back = third.get_previous_page()
    assert ids(back) == RUN_IDS[3:6]
    assert ids(back.get_previous_page()) == RUN_IDS[0:3]
    # Going forward again after going back sends only the forward cursor.
    assert ids(back.get_next_page()) == RUN_IDS[6:]
    last_request = httpserver.log[-1][0]
    assert "page[before]" not in last_request.args
    # Every request kept the original filters and page size.
    assert all(
        r.args["filter[status]"] == "COMPLETED" and r.args["page[size]"] == "3" for r, _ in httpserver.log
    )


def test_iterating_a_page_yields_every_item_of_every_page(
    client: TriggerClient, httpserver: HTTPServer
) -> None:
    assert [run.id for run in client.runs.list(limit=3)] == RUN_IDS
    assert len(httpserver.log) == 3


def test_iter_pages_walks_forward_from_the_page_it_starts_on(client: TriggerClient) -> None:
    second = client.runs.list(limit=3).get_next_page()
    assert [ids(p) for p in second.iter_pages()] == [RUN_IDS[3:6], RUN_IDS[6:]]


def test_numbered_pages_forward_and_back(client: TriggerClient) -> None:
    first = client.schedules.list(per_page=3)
    assert (first.current_page, first.total_pages, first.count) == (1, 3, 7)
    assert not first.has_previous_page()
    with pytest.raises(trigger_dev.NoSuchPageError, match="no previous page"):
        first.get_previous_page()
    third = first.get_next_page().get_next_page()
    assert ids(third) == ["sched_6"] and not third.has_next_page()
    assert ids(third.get_previous_page()) == ["sched_3", "sched_4", "sched_5"]
    assert [s.id for s in client.schedules.list(per_page=3)] == [f"sched_{n}" for n in range(7)]


def test_an_empty_list(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api/v1/schedules").respond_with_json(
        {"data": [], "pagination": {"currentPage": 1, "totalPages": 0, "count": 0}}
    )
    client = sync_client(httpserver.url_for(""))
    page = client.schedules.list()
    assert list(page) == [] and not page.has_next_page()


def test_a_server_repeating_its_cursor_does_not_loop_forever(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api/v1/runs").respond_with_json(
        {"data": [run_list_item("run_a")], "pagination": {"next": "same-cursor"}}
    )
    client = sync_client(httpserver.url_for(""))
    assert [r.id for r in client.runs.list()] == ["run_a", "run_a"]
    assert len(httpserver.log) == 2


def test_pages_already_iterated_are_released(client: TriggerClient) -> None:
    seen: list[weakref.ref[Any]] = []
    pages = client.runs.list(limit=1).iter_pages()
    for page in pages:
        seen.append(weakref.ref(page))
        del page
        gc.collect()
        alive = [ref for ref in seen[:-1] if ref() is not None]
        assert len(alive) <= 1, "only the page being read (and the first, held by the caller) stays alive"
    assert len(seen) == len(RUN_IDS)


def test_raw_response_of_a_list_parses_to_a_page(client: TriggerClient) -> None:
    raw = client.runs.with_raw_response.list(limit=3)
    assert raw.status_code == 200
    page = raw.parse()
    assert isinstance(page, trigger_dev.CursorPage)
    assert ids(page.get_next_page()) == RUN_IDS[3:6]


class _ManyPages(JsonHandler):
    """1000 cursor pages of the same 100 runs; keeps nothing between requests."""

    pages, size = 1000, 100
    items = json.dumps([run_list_item(f"run_{i}") for i in range(size)])

    def do_GET(self) -> None:
        after = parse_qs(urlsplit(self.path).query).get("page[after]", ["0"])[0]
        number = int(after)
        following = f', "next": "{number + 1}"' if number + 1 < self.pages else ""
        self.send_json(f'{{"data": {self.items}, "pagination": {{"previous": "{number}"{following}}}}}')


def live_items() -> int:
    gc.collect()
    return sum(1 for obj in gc.get_objects() if type(obj) is ListRunItem)


def test_iterating_100_000_items_keeps_memory_flat() -> None:
    with serving(_ManyPages) as url:
        client = sync_client(url)
        count, alive_early = 0, 0
        for count, _run in enumerate(client.runs.list(limit=100), start=1):
            if count == 10_000:
                alive_early = live_items()
        alive_late = live_items()
    assert count == 100_000
    # Only the page being read (and the first, which the loop's page object holds) is alive.
    assert alive_early <= 200 and alive_late <= 200, (alive_early, alive_late)

"""A local stand-in for the management routes the command line uses, on 127.0.0.1: runs
(cursor pages, filters by status and task, retrieve, cancel, replay), schedules and queues
(numbered pages), queue pause and resume, environment variables per environment (list and
import) and both whoami routes. Every request is kept, so tests can count the pages fetched.

Bodies are built as the server builds them (tests/support/factories.py), so the client's
response validation reads them as it reads the real server's.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from tests.support.factories import retrieved_run, run_list_item
from tests.support.local_server import JsonHandler, serving

FINISHED = {"COMPLETED", "CANCELED", "FAILED", "CRASHED", "SYSTEM_FAILURE", "EXPIRED", "TIMED_OUT"}
WHOAMI_KEY = "tr_dev_FAKE-echoed-by-the-server"
"""The key the secret-key whoami route echoes (``apiKey``): the command line must never show it."""


@dataclass
class Seen:
    method: str
    path: str
    query: dict[str, list[str]]
    body: Any
    authorization: str


@dataclass
class ApiState:
    runs: list[dict[str, Any]] = field(default_factory=list)  # newest first
    schedules: list[dict[str, Any]] = field(default_factory=list)
    queues: list[dict[str, Any]] = field(default_factory=list)
    envvars: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    requests: list[Seen] = field(default_factory=list)
    cancel_delay: float = 0.0  # seconds each cancel takes (to see a progress bar move)
    refuse_cancel: set[str] = field(default_factory=set)  # run ids whose cancel answers 422
    page_delay: float = 0.0  # seconds each runs page takes
    base_url: str = ""
    stopping: threading.Event = field(default_factory=threading.Event)

    def seen(self, path: str, method: str = "GET") -> list[Seen]:
        return [r for r in self.requests if r.path == path and r.method == method]

    def add_runs(self, count: int, **changes: Any) -> list[str]:
        start = len(self.runs) + 1
        ids = [f"run_{number}" for number in range(start, start + count)]
        for run_id in ids:
            self.runs.insert(0, run_list_item(run_id, **changes))
        return ids


class Handler(JsonHandler):
    server: Any

    @property
    def state(self) -> ApiState:
        return self.server.state  # type: ignore[no-any-return]

    def _seen(self, method: str) -> tuple[str, dict[str, list[str]], Any]:
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        body = json.loads(raw) if raw else None
        query = parse_qs(parts.query, keep_blank_values=True)
        self.state.requests.append(
            Seen(method, parts.path, query, body, self.headers.get("Authorization", ""))
        )
        return parts.path, query, body

    def do_GET(self) -> None:
        path, query, _ = self._seen("GET")
        first = {name: values[0] for name, values in query.items()}
        if path == "/api/v1/runs":
            self.list_runs(first)
        elif path.startswith("/api/v3/runs/"):
            run_id = unquote(path.rsplit("/", 1)[1])
            item = next((r for r in self.state.runs if r["id"] == run_id), None)
            if item is None:
                self.send_document(404, {"error": "Run not found"})
            else:
                fields = {k: v for k, v in item.items() if k not in ("env", "taskKind")}
                self.send_document(200, retrieved_run(**fields))
        elif path in ("/api/v1/schedules", "/api/v1/queues"):
            self.numbered(self.state.schedules if path.endswith("schedules") else self.state.queues, first)
        elif path.startswith("/api/v1/projects/") and "/envvars/" in path:
            environment = unquote(path.rsplit("/", 1)[1])
            self.send_document(200, self.state.envvars.get(environment, []))
        elif path == "/api/v1/whoami":
            self.send_document(
                200,
                {
                    "id": "env_1234abcd", "slug": "prod", "type": "PRODUCTION", "apiKey": WHOAMI_KEY,
                    "organizationId": "org_1", "projectId": "proj_internal", "paused": False,
                    "shortcode": "prod", "branchName": None,
                    "project": {"id": "proj_internal", "slug": "emails", "name": "Emails", "externalRef": "proj_cli"},
                    "organization": {"id": "org_1", "slug": "acme", "title": "Acme"},
                },
            )  # fmt: skip
        elif path == "/api/v2/whoami":
            body: dict[str, Any] = {
                "userId": "user_1",
                "email": "ada@example.com",
                "dashboardUrl": "https://cloud.example",
            }
            if first.get("projectRef"):
                body["project"] = {"name": "Emails", "url": "https://cloud.example/p", "orgTitle": "Acme"}
            self.send_document(200, body)
        else:
            self.send_document(404, {"error": "Not found"})

    def do_POST(self) -> None:
        path, _, body = self._seen("POST")
        parts = path.split("/")
        if path.startswith("/api/v2/runs/") and path.endswith("/cancel"):
            run_id = unquote(parts[4])
            if self.state.cancel_delay and self.state.stopping.wait(self.state.cancel_delay):
                return
            run = next((r for r in self.state.runs if r["id"] == run_id), None)
            if run_id in self.state.refuse_cancel:
                self.send_document(422, {"error": "Run cannot be cancelled now"})
            elif run is None:
                self.send_document(404, {"error": "Run not found"})
            elif run["status"] in FINISHED:
                self.send_document(400, {"error": "Run is already finished"})
            else:
                run["status"] = "CANCELED"
                self.send_document(200, {"id": run_id})
        elif path.startswith("/api/v1/runs/") and path.endswith("/replay"):
            run_id = unquote(parts[4])
            if not any(r["id"] == run_id for r in self.state.runs):
                self.send_document(404, {"error": "Run not found"})
                return
            new = self.state.add_runs(1, status="QUEUED")[0]
            self.send_document(200, {"id": new})
        elif path.startswith("/api/v1/queues/") and path.endswith("/pause"):
            name = unquote(parts[4])
            queue = next((q for q in self.state.queues if name in (q["id"], q["name"])), None)
            if queue is None:
                self.send_document(404, {"error": "Queue not found"})
                return
            queue["paused"] = body["action"] == "pause"
            self.send_document(200, queue)
        elif path.endswith("/import") and "/envvars/" in path:
            environment = unquote(parts[-2])
            current = {v["name"]: v for v in self.state.envvars.setdefault(environment, [])}
            if not body.get("override") and set(body["variables"]) & set(current):
                self.send_document(400, {"error": "Variable already exists"})
                return
            for name, value in body["variables"].items():
                current[name] = {"name": name, "value": value, "isSecret": False}
            self.state.envvars[environment] = list(current.values())
            self.send_document(200, {"success": True})
        else:
            self.send_document(404, {"error": "Not found"})

    def list_runs(self, query: dict[str, str]) -> None:
        if self.state.page_delay and self.state.stopping.wait(self.state.page_delay):
            return
        runs = self.state.runs
        if "filter[status]" in query:
            wanted = set(query["filter[status]"].split(","))
            runs = [r for r in runs if r["status"] in wanted]
        if "filter[taskIdentifier]" in query:
            tasks = set(query["filter[taskIdentifier]"].split(","))
            runs = [r for r in runs if r["taskIdentifier"] in tasks]
        size = int(query.get("page[size]", "25"))
        start = 0
        if "page[after]" in query:
            start = next((i + 1 for i, r in enumerate(runs) if r["id"] == query["page[after]"]), len(runs))
        page = runs[start : start + size]
        more = start + size < len(runs)
        self.send_document(
            200,
            {
                "data": page,
                "pagination": {
                    "next": page[-1]["id"] if more and page else None,
                    "previous": page[0]["id"] if start and page else None,
                },
            },
        )

    def numbered(self, items: list[dict[str, Any]], query: dict[str, str]) -> None:
        per_page = int(query.get("perPage", "10"))
        page = int(query.get("page", "1"))
        total = max(1, -(-len(items) // per_page))
        self.send_document(
            200,
            {
                "data": items[(page - 1) * per_page : page * per_page],
                "pagination": {"currentPage": page, "totalPages": total, "count": len(items)},
            },
        )


def schedule(number: int, **changes: Any) -> dict[str, Any]:
    body = {
        "id": f"sched_{number}", "type": "IMPERATIVE", "task": "daily-report", "active": True,
        "externalId": None, "generator": {"type": "CRON", "expression": "0 9 * * *", "description": "At 09:00"},
        "timezone": "UTC", "nextRun": "2026-01-02T09:00:00.000Z",
        "environments": [{"id": "env_1", "type": "PRODUCTION", "slug": "prod"}],
    }  # fmt: skip
    body.update(changes)
    return body


def queue(name: str, **changes: Any) -> dict[str, Any]:
    body = {"id": f"queue_{name}", "name": name, "type": "task", "running": 1, "queued": 4,
            "paused": False, "concurrencyLimit": 5}  # fmt: skip
    body.update(changes)
    return body


@contextmanager
def api_server() -> Iterator[ApiState]:
    """Serve a fresh `ApiState` until the block ends (its ``base_url`` is set)."""
    state = ApiState()
    with serving(Handler, state=state) as base_url:
        state.base_url = base_url
        try:
            yield state
        finally:
            state.stopping.set()

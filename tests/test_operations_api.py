"""The operations routes (issue 24): traces, errors, queue metrics, deployments, identity, the
environment kill switch, inbound webhooks and query discovery.

The first part replays cassettes recorded against the Prism mock (the request matched the
spec); the rest runs against local servers: credentials refused before sending, a 404 from
an older server naming the release, the async client, and pagination.
"""

from __future__ import annotations

import asyncio
import datetime
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

import trigger_dev
from tests.support.clients import ACCESS_TOKEN, FAST_RETRIES, ORG_TOKEN, async_client, sync_client
from trigger_dev import AuthMethodError, NotFoundError, TriggerClient
from trigger_dev.models import (
    DeploymentStatus,
    ErrorGroupStatus,
    WebhookDeliveryStatus,
)

UTC = datetime.timezone.utc

# --- cassettes (the Prism mock)


@pytest.mark.vcr
def test_retrieve_trace_reads_the_span_tree(sk_client: TriggerClient) -> None:
    result = sk_client.runs.retrieve_trace("run_1234abcd")
    root = result.trace.root_span
    assert root.data.message == "send-welcome-email"
    assert root.data.start_time == datetime.datetime(2025, 1, 1, 0, 0, 1, tzinfo=UTC)
    (child,) = root.children
    assert (child.parent_id, child.children) == (root.id, [])


@pytest.mark.vcr
def test_retrieve_span(sk_client: TriggerClient) -> None:
    span = sk_client.runs.retrieve_span("run_1234abcd", "00f067aa0ba902b7")
    assert (span.span_id, span.parent_id, span.duration_ms) == ("00f067aa0ba902b7", None, 4000)
    assert span.triggered_runs is not None and span.triggered_runs[0].run_id == "run_5678efgh"


@pytest.mark.vcr
def test_list_events(sk_client: TriggerClient) -> None:
    events = sk_client.runs.list_events("run_1234abcd").events
    assert events[0]["spanId"] == "00f067aa0ba902b7"


@pytest.mark.vcr
def test_list_errors_encodes_filters(sk_client: TriggerClient) -> None:
    page = sk_client.errors.list(
        limit=10,
        status=[ErrorGroupStatus.UNRESOLVED, "ignored"],
        task_identifier=["send-welcome-email"],
        search="email",
        from_=datetime.datetime(2025, 1, 1, tzinfo=UTC),
    )
    group = page.data[0]
    assert (group.status, group.count, group.resolved_at) == (ErrorGroupStatus.UNRESOLVED, 12, None)
    assert page.has_next_page()


@pytest.mark.vcr
def test_retrieve_error(sk_client: TriggerClient) -> None:
    group = sk_client.errors.retrieve("error_1234abcd")
    assert group.affected_versions == ["20250101.1"]


@pytest.mark.vcr
def test_ignore_error_sends_thresholds(sk_client: TriggerClient) -> None:
    group = sk_client.errors.ignore(
        "error_1234abcd", duration_ms=86_400_000, total_occurrences=100, reason="Known upstream outage"
    )
    assert group.status == "ignored" and group.ignored_reason == "Known upstream outage"


@pytest.mark.vcr
def test_resolve_error(sk_client: TriggerClient) -> None:
    group = sk_client.errors.resolve("error_1234abcd", resolved_in_version="20250101.2")
    assert group.resolved_in_version == "20250101.2"


@pytest.mark.vcr
def test_unresolve_error(sk_client: TriggerClient) -> None:
    assert sk_client.errors.unresolve("error_1234abcd").status == "unresolved"


@pytest.mark.vcr
def test_queue_metrics(sk_client: TriggerClient) -> None:
    metrics = sk_client.queues.metrics("send-welcome-email", type="task", period="24h")
    assert metrics.wait_ms is not None and metrics.wait_ms.p95 == 950
    assert len(metrics.depth_trend) == 12


@pytest.mark.vcr
def test_retrieve_deployment(sk_client: TriggerClient) -> None:
    deployment = sk_client.deployments.retrieve("deployment_1234abcd")
    assert deployment.status == DeploymentStatus.DEPLOYED
    assert deployment.worker is not None and deployment.worker.tasks[0].slug == "send-welcome-email"


@pytest.mark.vcr
def test_retrieve_latest_deployment(sk_client: TriggerClient) -> None:
    latest = sk_client.deployments.retrieve_latest()
    assert (latest.version, latest.image_platform) == ("20250101.1", None)


@pytest.mark.vcr
def test_promote_deployment(sk_client: TriggerClient) -> None:
    assert sk_client.deployments.promote("20250101.1", allow_rollbacks=True).short_code == "ab12cd34"


@pytest.mark.vcr
def test_whoami_with_a_secret_key(sk_client: TriggerClient) -> None:
    me = sk_client.auth.whoami()
    assert me.project is not None and me.project.external_ref == "proj_1234abcd"
    assert me.api_key is not None and me.api_key not in repr(me)


@pytest.mark.vcr
def test_whoami_with_a_personal_access_token(pat_client: TriggerClient) -> None:
    me = pat_client.auth.whoami(project_ref="proj_1234abcd")
    assert me.email == "ada@example.com"
    assert me.project is not None and me.project.org_title == "Acme"


@pytest.mark.vcr
def test_pause_environment(pat_client: TriggerClient) -> None:
    assert pat_client.environments.pause("proj_1234abcd", "prod").state == "paused"


@pytest.mark.vcr
def test_resume_environment(pat_client: TriggerClient) -> None:
    assert pat_client.environments.resume("proj_1234abcd", "staging").paused is False


@pytest.mark.vcr
def test_list_webhook_endpoints(sk_client: TriggerClient) -> None:
    endpoints = sk_client.webhooks.list_endpoints(webhook=["stripe-events"]).data
    assert endpoints[0].status == "active" and endpoints[0].secret_set


@pytest.mark.vcr
def test_retrieve_webhook_endpoint(sk_client: TriggerClient) -> None:
    assert sk_client.webhooks.retrieve_endpoint("wh_1234abcd").source == "stripe"


@pytest.mark.vcr
def test_enable_webhook_endpoint(sk_client: TriggerClient) -> None:
    assert sk_client.webhooks.enable_endpoint("wh_1234abcd").status == "active"


@pytest.mark.vcr
def test_disable_webhook_endpoint(sk_client: TriggerClient) -> None:
    assert sk_client.webhooks.disable_endpoint("wh_1234abcd").status == "inactive"


@pytest.mark.vcr
def test_rotate_webhook_secret_hides_it_from_repr(sk_client: TriggerClient) -> None:
    rotated = sk_client.webhooks.rotate_secret("wh_1234abcd")
    assert rotated.secret.startswith("whsec_") and rotated.secret not in repr(rotated)


@pytest.mark.vcr
def test_list_webhook_deliveries(sk_client: TriggerClient) -> None:
    page = sk_client.webhooks.list_deliveries(limit=5, status=[WebhookDeliveryStatus.FAILED], period="1d")
    assert page.data[0].external_delivery_id.startswith("evt_")


@pytest.mark.vcr
def test_retrieve_webhook_delivery(sk_client: TriggerClient) -> None:
    delivery = sk_client.webhooks.retrieve_delivery("whd_1234abcd")
    assert delivery.event == {"id": "evt_1NG8Du2eZvKYlo2CUI79vXWy", "type": "customer.created"}


@pytest.mark.vcr
def test_replay_webhook_delivery(sk_client: TriggerClient) -> None:
    assert sk_client.webhooks.replay_delivery("whd_1234abcd").replayed_from == "whd_1234abcd"


@pytest.mark.vcr
def test_query_schema(sk_client: TriggerClient) -> None:
    table = sk_client.query.schema().tables[0]
    assert (table.name, table.time_column, table.columns[0].core_column) == ("runs", "triggered_at", True)


@pytest.mark.vcr
def test_query_dashboards(sk_client: TriggerClient) -> None:
    widget = sk_client.query.list_dashboards().dashboards[0].widgets[0]
    assert widget.type == "chart" and widget.query.startswith("SELECT")


# --- local servers

Call = Callable[[TriggerClient], Any]

SECRET_KEY_ONLY: dict[str, Call] = {
    "runs.retrieve_trace": lambda c: c.runs.retrieve_trace("run_1"),
    "errors.list": lambda c: c.errors.list(),
    "queues.metrics": lambda c: c.queues.metrics("q"),
    "deployments.promote": lambda c: c.deployments.promote("20250101.1"),
    "webhooks.rotate_secret": lambda c: c.webhooks.rotate_secret("wh_1"),
    "query.schema": lambda c: c.query.schema(),
}


@pytest.fixture
def quiet(httpserver: HTTPServer) -> Iterator[HTTPServer]:
    """A server that must receive nothing: for calls refused before sending."""
    yield httpserver
    assert httpserver.log == [], "a refused call must not reach the server"


@pytest.mark.parametrize("name", sorted(SECRET_KEY_ONLY))
def test_secret_key_routes_refuse_an_access_token(quiet: HTTPServer, name: str) -> None:
    refused = rf"^{name} cannot be called with a personal access token"
    with (
        sync_client(quiet.url_for(""), access_token=ACCESS_TOKEN) as client,
        pytest.raises(AuthMethodError, match=refused),
    ):
        SECRET_KEY_ONLY[name](client)


@pytest.mark.parametrize("token", ["tr_prod_fakeKey", ORG_TOKEN], ids=["secret-key", "oat"])
def test_the_kill_switch_takes_a_personal_access_token_only(quiet: HTTPServer, token: str) -> None:
    with (
        sync_client(quiet.url_for(""), secret_key=token) as client,
        pytest.raises(AuthMethodError, match="it takes personal access token"),
    ):
        client.environments.pause("proj_1", "prod")


def test_whoami_with_a_secret_key_refuses_project_ref(quiet: HTTPServer) -> None:
    with sync_client(quiet.url_for("")) as client, pytest.raises(AuthMethodError, match="project_ref"):
        client.auth.whoami(project_ref="proj_1")


def test_whoami_picks_the_route_of_the_credential(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api/v1/whoami").respond_with_json({"id": "env_1", "slug": "prod"})
    httpserver.expect_request("/api/v2/whoami", query_string="projectRef=proj_1").respond_with_json(
        {"userId": "org_1", "email": "not_applicable@trigger.dev", "dashboardUrl": "https://x"}
    )
    with sync_client(httpserver.url_for("")) as client:
        assert client.auth.whoami().slug == "prod"
    with sync_client(httpserver.url_for(""), secret_key=ORG_TOKEN) as client:
        assert client.auth.whoami(project_ref="proj_1").user_id == "org_1"


NEWER_ROUTES: list[tuple[str, str, Call, str]] = [
    ("GET", "/api/v1/runs/run_1/spans/span_1", lambda c: c.runs.retrieve_span("run_1", "span_1"), "4.4.4"),
    ("GET", "/api/v1/errors/error_1", lambda c: c.errors.retrieve("error_1"), "4.5.0"),
    ("GET", "/api/v1/queues/q/metrics", lambda c: c.queues.metrics("q"), "4.5.11"),
    ("GET", "/api/v1/webhooks/deliveries", lambda c: c.webhooks.list_deliveries(), "4.5.12"),
    ("GET", "/api/v1/query/dashboards", lambda c: c.query.list_dashboards(), "4.4.4"),
]


@pytest.mark.parametrize(("method", "path", "call", "since"), NEWER_ROUTES, ids=[r[1] for r in NEWER_ROUTES])
def test_a_404_from_an_older_server_names_the_release(
    httpserver: HTTPServer, method: str, path: str, call: Call, since: str
) -> None:
    httpserver.expect_request(path, method=method).respond_with_data(
        "<html><title>404: Not Found</title></html>", status=404, content_type="text/html"
    )
    named = "served from Trigger.dev " + re.escape(since)
    with (
        sync_client(httpserver.url_for(""), retry=FAST_RETRIES) as client,
        pytest.raises(NotFoundError, match=named),
    ):
        call(client)


def test_the_kill_switch_on_an_older_server_names_the_release(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api/v1/projects/proj_1/prod/pause", method="POST").respond_with_data(
        "Not Found", status=404
    )
    with (
        sync_client(httpserver.url_for(""), access_token=ACCESS_TOKEN, retry=FAST_RETRIES) as client,
        pytest.raises(NotFoundError, match=r"served from Trigger.dev 4\.5\.5"),
    ):
        client.environments.pause("proj_1", "prod")


def test_queue_metrics_escapes_a_slash_in_the_name(httpserver: HTTPServer) -> None:
    # The local server matches the decoded path; the raw one shows what went on the wire.
    httpserver.expect_request("/api/v1/queues/team/emails/metrics").respond_with_json(
        {"queue": "team/emails"}
    )
    with sync_client(httpserver.url_for("")) as client:
        assert client.queues.metrics("team/emails", type="custom").queue == "team/emails"
    sent = httpserver.log[0][0]
    assert sent.environ["REQUEST_URI"] == "/api/v1/queues/team%2Femails/metrics?type=custom"


def test_resolve_without_arguments_sends_an_empty_object(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api/v1/errors/error_1/resolve", method="POST", json={}).respond_with_json(
        {**_error(1), "affectedVersions": []}
    )
    with sync_client(httpserver.url_for("")) as client:
        assert client.errors.resolve("error_1").id == "error_1"


def test_queue_metrics_refuses_a_period_the_server_cannot_read(quiet: HTTPServer) -> None:
    with sync_client(quiet.url_for("")) as client, pytest.raises(ValueError, match="period"):
        client.queues.metrics("q", period="an hour")


def test_ignore_refuses_a_zero_duration(quiet: HTTPServer) -> None:
    with sync_client(quiet.url_for("")) as client, pytest.raises(ValueError, match="duration_ms"):
        client.errors.ignore("error_1", duration_ms=0)


def _page(items: list[dict[str, Any]], after: str | None) -> dict[str, Any]:
    return {"data": items, "pagination": {"next": after} if after else {}}


def _delivery(n: int) -> dict[str, Any]:
    return {
        "id": f"whd_{n}",
        "status": "succeeded",
        "externalDeliveryId": f"evt_{n}",
        "createdAt": "2025-01-01T00:00:00.000Z",
    }


def _serve_two_pages(httpserver: HTTPServer, path: str, item: Callable[[int], dict[str, Any]]) -> None:
    httpserver.expect_request(path, query_string="page%5Bsize%5D=2").respond_with_json(
        _page([item(1), item(2)], "c2")
    )
    httpserver.expect_request(path, query_string="page%5Bsize%5D=2&page%5Bafter%5D=c2").respond_with_json(
        _page([item(3)], None)
    )


def test_deliveries_are_fetched_page_by_page_as_iteration_goes(httpserver: HTTPServer) -> None:
    _serve_two_pages(httpserver, "/api/v1/webhooks/deliveries", _delivery)
    with sync_client(httpserver.url_for("")) as client:
        items = iter(client.webhooks.list_deliveries(limit=2))
        assert next(items).id == "whd_1" and len(httpserver.log) == 1  # the second page not yet
        assert [d.id for d in items] == ["whd_2", "whd_3"] and len(httpserver.log) == 2


def _error(n: int) -> dict[str, Any]:
    return {
        "id": f"error_{n}",
        "fingerprint": "f",
        "taskIdentifier": "t",
        "errorType": "Error",
        "errorMessage": "boom",
        "status": "unresolved",
        "count": n,
        "firstSeen": "2025-01-01T00:00:00.000Z",
        "lastSeen": "2025-01-01T00:00:00.000Z",
    }


def test_the_async_client_pages_errors_and_reads_traces(httpserver: HTTPServer) -> None:
    _serve_two_pages(httpserver, "/api/v1/errors", _error)
    httpserver.expect_request("/api/v1/runs/run_1/trace").respond_with_json(
        {
            "trace": {
                "traceId": "t1",
                # a 4.0.1 server: message on the span, runId in data, no children key
                "rootSpan": {
                    "id": "s1",
                    "message": "root",
                    "data": {
                        "runId": "run_1",
                        "startTime": "2025-01-01T00:00:00.000Z",
                        "duration": 1,
                        "isError": False,
                        "isPartial": False,
                        "isCancelled": False,
                        "level": "TRACE",
                        "environmentType": "PRODUCTION",
                    },
                },
            }
        }
    )

    async def main() -> tuple[list[str], Any, Any]:
        async with async_client(httpserver.url_for("")) as client:
            ids = [group.id async for group in client.errors.list(limit=2)]
            trace = await client.runs.retrieve_trace("run_1")
            raw = await client.runs.with_raw_response.retrieve_trace("run_1")
            return ids, trace, raw

    ids, trace, raw = asyncio.run(main())
    assert ids == ["error_1", "error_2", "error_3"]
    assert (trace.trace.root_span.message, trace.trace.root_span.children) == ("root", [])
    assert raw.status_code == 200 and raw.parse().trace.trace_id == "t1"


def test_module_level_calls_and_request_options(
    httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    httpserver.expect_request("/api/v1/query/schema", headers={"x-extra": "1"}).respond_with_json(
        {"tables": []}
    )
    monkeypatch.setenv("TRIGGER_SECRET_KEY", "tr_dev_fakeKey")
    monkeypatch.setenv("TRIGGER_API_URL", httpserver.url_for(""))
    assert trigger_dev.query.schema(request_options={"extra_headers": {"x-extra": "1"}}).tables == []

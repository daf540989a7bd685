"""Payloads and outputs too large to travel inline, against two local origins: one server plays
the API, another the object store behind the presigned URLs. Both bind to 127.0.0.1 on
ports of their own, so they are different origins, as the API and a bucket are."""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

import trigger_dev
from tests.support.clients import SECRET_KEY, sync_client
from tests.support.factories import retrieved_run
from trigger_dev import AsyncTriggerClient, ObjectStoreError, TriggerClient

SIGNATURE = "X-Amz-Signature=5ec2e7"
BIG = {"rows": ["x" * 1000] * 5300}  # about 5.1 MiB of JSON: over the server's 3 MiB body cap
MEDIUM = {"rows": ["x" * 1000] * 200}  # about 200 KiB: uploaded, though the server would take it inline


@pytest.fixture
def store() -> Iterator[HTTPServer]:
    server = HTTPServer(host="127.0.0.1", port=0)
    server.start()
    try:
        yield server
    finally:
        server.clear()
        server.stop()


@pytest.fixture
def client(httpserver: HTTPServer) -> TriggerClient:
    return sync_client(httpserver.url_for(""), retry={"max_attempts": 2, "min_delay": 0.001})


def signed(store: HTTPServer, path: str) -> str:
    return store.url_for(path) + "?" + SIGNATURE


def serve_run(httpserver: HTTPServer, **fields: Any) -> None:
    httpserver.expect_request("/api/v3/runs/run_1").respond_with_json(retrieved_run("run_1", **fields))


# --- downloads


@pytest.mark.parametrize(
    ("content_type", "stored", "expected"),
    [
        ("application/json", b'{"total": 3, "items": [1, 2, 3]}', {"total": 3, "items": [1, 2, 3]}),
        ("application/json; charset=utf-8", '{"name": "Zoë"}'.encode(), {"name": "Zoë"}),
        (
            "application/super+json",
            b'{"json": {"when": "2025-01-01T00:00:00.000Z"}, "meta": {"values": {"when": ["Date"]}}}',
            {"when": "2025-01-01T00:00:00.000Z"},
        ),
        ("text/plain", b"plain words", "plain words"),
        ("application/octet-stream", b"raw bytes", "raw bytes"),  # unknown types: text, as the official SDK
    ],
)
def test_an_offloaded_output_is_downloaded_and_decoded_by_its_content_type(
    httpserver: HTTPServer,
    store: HTTPServer,
    client: TriggerClient,
    content_type: str | None,
    stored: bytes,
    expected: Any,
) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    store.expect_request("/packets/out.json").respond_with_response(Response(stored, headers=headers))
    serve_run(httpserver, outputPresignedUrl=signed(store, "/packets/out.json"))
    run = client.runs.retrieve("run_1")
    assert run.output == expected
    assert run.output_presigned_url == signed(store, "/packets/out.json")


def test_payload_and_output_both_come_back(
    httpserver: HTTPServer, store: HTTPServer, client: TriggerClient
) -> None:
    store.expect_request("/p.json").respond_with_json({"in": 1})
    store.expect_request("/o.json").respond_with_json({"out": 2})
    serve_run(
        httpserver, payloadPresignedUrl=signed(store, "/p.json"), outputPresignedUrl=signed(store, "/o.json")
    )
    run = client.runs.retrieve("run_1")
    assert (run.payload, run.output) == ({"in": 1}, {"out": 2})
    assert run.to_dict()["output"] == {"out": 2}  # as if the server had sent it inline


def test_the_object_store_never_sees_the_key_or_api_headers(
    httpserver: HTTPServer, store: HTTPServer, client: TriggerClient
) -> None:
    store.expect_request("/o.json").respond_with_json([1])
    serve_run(httpserver, outputPresignedUrl=signed(store, "/o.json"))
    client.runs.retrieve("run_1")
    ((request, _),) = store.log
    assert "Authorization" not in request.headers
    assert not [name for name, _ in request.headers.items() if name.lower().startswith("x-trigger")]
    assert request.query_string.decode() == SIGNATURE  # the signed URL is used exactly as given
    ((api_request, _),) = httpserver.log
    assert api_request.headers["Authorization"] == f"Bearer {SECRET_KEY}"


def test_reschedule_resolves_too(httpserver: HTTPServer, store: HTTPServer, client: TriggerClient) -> None:
    store.expect_request("/p.json").respond_with_json({"big": True})
    httpserver.expect_request("/api/v1/runs/run_1/reschedule", method="POST").respond_with_json(
        retrieved_run("run_1", payloadPresignedUrl=signed(store, "/p.json"))
    )
    assert client.runs.reschedule("run_1", delay="1h").payload == {"big": True}


def test_download_offloaded_false_leaves_the_urls(
    httpserver: HTTPServer, store: HTTPServer, client: TriggerClient
) -> None:
    serve_run(httpserver, outputPresignedUrl=signed(store, "/o.json"))
    run = client.runs.retrieve("run_1", request_options={"download_offloaded": False})
    assert run.output is None
    assert run.output_presigned_url == signed(store, "/o.json")
    assert store.log == []
    quiet = sync_client(httpserver.url_for(""), download_offloaded=False)
    assert quiet.runs.retrieve("run_1").output is None
    assert store.log == []


def test_a_raw_response_parses_to_the_same_resolved_run(
    httpserver: HTTPServer, store: HTTPServer, client: TriggerClient
) -> None:
    store.expect_request("/o.json").respond_with_json({"n": 1})
    serve_run(httpserver, outputPresignedUrl=signed(store, "/o.json"))
    raw = client.runs.with_raw_response.retrieve("run_1")
    assert "output" not in raw.json()  # the body as the server sent it
    assert raw.parse().output == {"n": 1}


def test_an_expired_url_is_a_clear_error_without_the_signature(
    httpserver: HTTPServer, store: HTTPServer, client: TriggerClient
) -> None:
    expired = (
        b'<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code>'
        b"<Message>Request has expired</Message><X-Amz-Expires>300</X-Amz-Expires></Error>"
    )
    store.expect_request("/o.json").respond_with_response(
        Response(expired, status=403, content_type="application/xml")
    )
    serve_run(httpserver, outputPresignedUrl=signed(store, "/o.json"))
    with pytest.raises(ObjectStoreError) as caught:
        client.runs.retrieve("run_1")
    error = caught.value
    assert (error.status, error.operation, error.field) == (403, "runs.retrieve", "output")
    message = str(error)
    assert "the output of run run_1" in message and "HTTP 403 AccessDenied" in message
    assert store.url_for("/o.json") in message
    assert SIGNATURE not in message and "X-Amz" not in message
    assert len(store.log) == 1  # a refusal is not retried


def test_a_failing_store_is_retried_then_reported(
    httpserver: HTTPServer, store: HTTPServer, client: TriggerClient
) -> None:
    store.expect_request("/o.json").respond_with_data("busy", status=503)
    serve_run(httpserver, outputPresignedUrl=signed(store, "/o.json"))
    with pytest.raises(ObjectStoreError, match=r"could not download the output of run run_1 .*HTTP 503"):
        client.runs.retrieve("run_1")
    assert len(store.log) == 2  # the call's retry policy: two attempts


def test_a_slow_download_times_out_within_the_call_timeout(httpserver: HTTPServer, store: HTTPServer) -> None:
    def slow(_: Request) -> Response:
        time.sleep(1.0)
        return Response("[]", content_type="application/json")

    store.expect_request("/o.json").respond_with_handler(slow)
    serve_run(httpserver, outputPresignedUrl=signed(store, "/o.json"))
    client = sync_client(httpserver.url_for(""), timeout=0.2, retry={"max_attempts": 1})
    started = time.monotonic()
    with pytest.raises(ObjectStoreError, match="timed out") as caught:
        client.runs.retrieve("run_1")
    assert time.monotonic() - started < 0.9
    assert caught.value.status is None


def test_stored_data_that_does_not_parse_is_reported(
    httpserver: HTTPServer, store: HTTPServer, client: TriggerClient
) -> None:
    store.expect_request("/o.json").respond_with_data("{not json", content_type="application/json")
    serve_run(httpserver, outputPresignedUrl=signed(store, "/o.json"))
    with pytest.raises(ObjectStoreError, match="not valid for its content type"):
        client.runs.retrieve("run_1")


def test_a_missing_store_host_is_a_clear_error(httpserver: HTTPServer, client: TriggerClient) -> None:
    serve_run(httpserver, outputPresignedUrl="http://127.0.0.1:9/o.json?" + SIGNATURE)
    with pytest.raises(ObjectStoreError, match="Connection error") as caught:
        client.runs.retrieve("run_1")
    assert SIGNATURE not in str(caught.value)


def test_async_downloads_payload_and_output(httpserver: HTTPServer, store: HTTPServer) -> None:
    store.expect_request("/p.json").respond_with_json({"in": 1})
    store.expect_request("/o.json").respond_with_data("done", content_type="text/plain")
    serve_run(
        httpserver, payloadPresignedUrl=signed(store, "/p.json"), outputPresignedUrl=signed(store, "/o.json")
    )

    async def main() -> Any:
        async with AsyncTriggerClient(secret_key=SECRET_KEY, base_url=httpserver.url_for("")) as client:
            return await client.runs.retrieve("run_1")

    run = asyncio.run(main())
    assert (run.payload, run.output) == ({"in": 1}, "done")
    assert all("Authorization" not in request.headers for request, _ in store.log)


# --- uploads


def presign(
    httpserver: HTTPServer,
    store: HTTPServer,
    *,
    version: str = "v2",
    storage_path: str | None = "stored/path.json",
) -> list[str]:
    """Answer the presign route with a URL on the store; returns the filenames asked for."""
    names: list[str] = []

    def answer(request: Request) -> Response:
        names.append(request.path.split("/packets/", 1)[1])
        body: dict[str, Any] = {"presignedUrl": signed(store, "/upload/" + names[-1])}
        if storage_path is not None:
            body["storagePath"] = storage_path
        return Response(json.dumps(body), content_type="application/json")

    pattern = re.compile(rf"/api/{version}/packets/.+")
    httpserver.expect_request(pattern, method="PUT").respond_with_handler(answer)
    store.expect_request(re.compile(r"/upload/.+"), method="PUT").respond_with_data("")
    return names


def test_a_large_payload_is_uploaded_then_triggered_by_reference(
    httpserver: HTTPServer, store: HTTPServer, client: TriggerClient
) -> None:
    names = presign(httpserver, store)
    httpserver.expect_request("/api/v1/tasks/import-rows/trigger", method="POST").respond_with_json(
        {"id": "run_1"}
    )
    assert client.tasks.trigger("import-rows", BIG).id == "run_1"

    ((upload, _),) = store.log
    assert upload.method == "PUT" and "Authorization" not in upload.headers
    assert upload.headers["Content-Type"] == "application/json"
    assert json.loads(upload.get_data()) == BIG
    size = len(upload.get_data())
    assert size > 5 * 1024 * 1024
    (name,) = names
    assert name.startswith("trigger/import-rows/") and name.endswith("/payload.json")

    trigger = next(r for r, _ in httpserver.log if r.path.endswith("/trigger"))
    body = json.loads(trigger.get_data())
    assert body["payload"] == "stored/path.json"
    assert body["options"] == {"payloadType": "application/store", "payloadSize": size}
    assert len(trigger.get_data()) < 1000
    assert trigger.headers["Authorization"] == f"Bearer {SECRET_KEY}"


def test_a_server_before_4_5_gets_the_v1_presign_and_the_filename_as_path(
    httpserver: HTTPServer, store: HTTPServer, client: TriggerClient
) -> None:
    httpserver.expect_request(re.compile(r"/api/v2/packets/.+")).respond_with_data("Not Found", status=404)
    names = presign(httpserver, store, version="v1", storage_path=None)
    httpserver.expect_request("/api/v1/tasks/t/trigger", method="POST").respond_with_json({"id": "run_1"})
    client.tasks.trigger("t", MEDIUM, options={"tags": ["bulk"]})
    trigger = next(r for r, _ in httpserver.log if r.path.endswith("/trigger"))
    body = json.loads(trigger.get_data())
    assert body["payload"] == names[0]
    assert body["options"]["payloadType"] == "application/store"
    assert body["options"]["tags"] == ["bulk"]  # the caller's options are kept


def test_a_small_payload_goes_inline_as_before(httpserver: HTTPServer, client: TriggerClient) -> None:
    httpserver.expect_request("/api/v1/tasks/t/trigger", method="POST").respond_with_json({"id": "run_1"})
    payload = {"rows": ["x" * 1000] * 100}  # about 100 KiB, under the threshold
    client.tasks.trigger("t", payload)
    ((request, _),) = httpserver.log
    assert json.loads(request.get_data()) == {"payload": payload}


def test_batch_items_with_one_large_payload(
    httpserver: HTTPServer, store: HTTPServer, client: TriggerClient
) -> None:
    names = presign(httpserver, store)
    httpserver.expect_request("/api/v3/batches", method="POST").respond_with_json(
        {"id": "batch_1", "runCount": 3, "isCached": False}, status=202
    )
    httpserver.expect_request("/api/v3/batches/batch_1/items", method="POST").respond_with_json(
        {"id": "batch_1", "itemsAccepted": 3, "itemsDeduplicated": 0, "sealed": True}
    )
    client.tasks.batch_trigger(
        "import-rows", [{"payload": {"n": 1}}, {"payload": BIG}, {"payload": {"n": 3}}]
    )
    assert len(names) == 1 and len(store.log) == 1
    items = next(r for r, _ in httpserver.log if r.path.endswith("/items"))
    lines = [json.loads(line) for line in items.get_data().splitlines()]
    assert [line.get("payload") for line in lines] == [{"n": 1}, "stored/path.json", {"n": 3}]
    assert lines[1]["options"]["payloadType"] == "application/store"
    assert "options" not in lines[0] and "options" not in lines[2]


def test_an_unsealed_batch_is_resent_without_uploading_again(
    httpserver: HTTPServer, store: HTTPServer, client: TriggerClient
) -> None:
    names = presign(httpserver, store)
    httpserver.expect_request("/api/v3/batches", method="POST").respond_with_json(
        {"id": "batch_1", "runCount": 1, "isCached": False}, status=202
    )
    answers = iter([False, True])

    def items(_: Request) -> Response:
        body = {"id": "batch_1", "itemsAccepted": 1, "itemsDeduplicated": 0, "sealed": next(answers)}
        return Response(json.dumps(body), content_type="application/json")

    httpserver.expect_request("/api/v3/batches/batch_1/items", method="POST").respond_with_handler(items)
    client.tasks.batch_trigger("t", [{"payload": MEDIUM}])
    assert len(names) == 1 and len(store.log) == 1
    sent = [json.loads(r.get_data()) for r, _ in httpserver.log if r.path.endswith("/items")]
    assert len(sent) == 2 and sent[0] == sent[1]  # the same reference both times


def test_without_an_upload_url_a_payload_the_server_takes_inline_goes_inline(
    httpserver: HTTPServer, client: TriggerClient, caplog: pytest.LogCaptureFixture
) -> None:
    # A self-hosted server without an object store cannot presign (500); a restricted key
    # may not use the packets route (401). Under the 3 MiB cap the trigger still works.
    httpserver.expect_request(re.compile(r"/api/v2/packets/.+")).respond_with_json(
        {"error": "Failed to generate presigned URL: no object store"},
        status=500,
        headers={"x-should-retry": "false"},
    )
    httpserver.expect_request("/api/v1/tasks/t/trigger", method="POST").respond_with_json({"id": "run_1"})
    with caplog.at_level("INFO", logger="trigger_dev"):
        client.tasks.trigger("t", MEDIUM)
    trigger = next(r for r, _ in httpserver.log if r.path.endswith("/trigger"))
    assert json.loads(trigger.get_data()) == {"payload": MEDIUM}
    assert "sending it inline" in caplog.text


def test_without_an_upload_url_a_payload_over_the_cap_is_refused_naming_the_limit(
    httpserver: HTTPServer, client: TriggerClient
) -> None:
    httpserver.expect_request(re.compile(r"/api/v2/packets/.+")).respond_with_json(
        {"error": "Failed to generate presigned URL: no object store"},
        status=500,
        headers={"x-should-retry": "false"},
    )
    with pytest.raises(ObjectStoreError, match=r"over the 3.0 MiB the server takes inline") as caught:
        client.tasks.trigger("t", BIG)
    assert "no object store" in str(caught.value)
    assert not [r for r, _ in httpserver.log if r.path.endswith("/trigger")]


def test_a_failed_upload_stops_the_trigger(
    httpserver: HTTPServer, store: HTTPServer, client: TriggerClient
) -> None:
    httpserver.expect_request(re.compile(r"/api/v2/packets/.+"), method="PUT").respond_with_json(
        {"presignedUrl": signed(store, "/upload/x"), "storagePath": "x"}
    )
    store.expect_request("/upload/x", method="PUT").respond_with_data("no", status=403)
    with pytest.raises(
        ObjectStoreError, match=r"could not upload the \d\.\d MiB payload of task 't'.*HTTP 403"
    ) as caught:
        client.tasks.trigger("t", BIG)
    assert SIGNATURE not in str(caught.value)
    assert not [r for r, _ in httpserver.log if r.path.endswith("/trigger")]


def test_async_upload_then_trigger(httpserver: HTTPServer, store: HTTPServer) -> None:
    presign(httpserver, store)
    httpserver.expect_request("/api/v1/tasks/t/trigger", method="POST").respond_with_json({"id": "run_1"})

    async def main() -> str:
        async with AsyncTriggerClient(secret_key=SECRET_KEY, base_url=httpserver.url_for("")) as client:
            return (await client.tasks.trigger("t", BIG)).id

    assert asyncio.run(main()) == "run_1"
    ((upload, _),) = store.log
    assert json.loads(upload.get_data()) == BIG and "Authorization" not in upload.headers
    trigger = next(r for r, _ in httpserver.log if r.path.endswith("/trigger"))
    assert json.loads(trigger.get_data())["payload"] == "stored/path.json"


def test_object_store_errors_are_api_errors() -> None:
    assert issubclass(ObjectStoreError, trigger_dev.ApiError)


@pytest.mark.parametrize(
    ("content_type", "content", "expected"),
    [
        (None, b"[1, 2]", [1, 2]),  # no content type: JSON, as the official SDK reads it
        ("APPLICATION/JSON ; charset=UTF-8", b"{}", {}),
        ("text/csv", b"a,b", "a,b"),
        ("application/json", b"", None),
    ],
)
def test_decoding_stored_data(content_type: str | None, content: bytes, expected: Any) -> None:
    from trigger_dev._payloads.packets import decode_packet

    assert decode_packet(content_type, content) == expected


def test_a_superjson_document_without_its_json_member_is_refused() -> None:
    from trigger_dev._payloads.packets import decode_packet

    with pytest.raises(ValueError, match="'json' member"):
        decode_packet("application/super+json", b'{"meta": {}}')

"""Public access tokens: the one each trigger and batch answer carries, and the ones
`auth.create_*` mints. Every token is verified here with PyJWT the way the server verifies
them (HS256 with the environment's secret key, issuer and audience checked), and its claims
compared with what the official SDK's rules produce for the same input: issuer
``https://id.trigger.dev``, audience ``https://api.trigger.dev``, the environment's claims
from ``POST /api/v1/auth/jwt/claims``, scopes flattened as ``action:type[:id]``, ``otu`` for
one-time tokens, 15 minutes by default (packages/core/src/v3/jwt.ts and
packages/trigger-sdk/src/v3/auth.ts at v4.5.12)."""

from __future__ import annotations

import asyncio
import datetime
import json
import time
from typing import Any

import jwt
import pytest
from pytest_httpserver import HTTPServer

import trigger_dev
from tests.support.clients import ACCESS_TOKEN, async_client
from tests.support.clients import sync_client as any_client

ENV_CLAIMS = {"sub": "cm4env0000000000000000001", "pub": True}
# Long enough for HS256 (real keys are); hyphens keep it from looking like a real key.
KEY = "tr_dev_fake-key-long-enough-to-sign-with"
RESTRICTED_KEY = "tr_prod_sk_" + "A" * 24


def verified(token: str, key: str = KEY) -> dict[str, Any]:
    claims: dict[str, Any] = jwt.decode(
        token, key, algorithms=["HS256"], issuer="https://id.trigger.dev", audience="https://api.trigger.dev"
    )
    assert jwt.get_unverified_header(token) == {"alg": "HS256"}
    return claims


def sync_client(url: str, **arguments: Any) -> trigger_dev.TriggerClient:
    return any_client(url, **{"secret_key": KEY, **arguments})


def serve_claims(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api/v1/auth/jwt/claims", method="POST").respond_with_json(ENV_CLAIMS)


# --- the token of a trigger or a batch


def test_the_trigger_answer_carries_the_servers_token(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api/v1/tasks/t/trigger").respond_with_json(
        {"id": "run_1"}, headers={"x-trigger-jwt": "header.token.value"}
    )
    assert sync_client(httpserver.url_for("")).tasks.trigger("t").public_access_token == "header.token.value"


def test_without_the_header_the_client_signs_one_as_the_official_sdk(httpserver: HTTPServer) -> None:
    # Servers before 4.2 sent only the claims (and the token to browsers).
    claims = {"sub": "cm4env1", "pub": True, "realtime": {"skipColumns": ["payload"]}}
    httpserver.expect_request("/api/v1/tasks/t/trigger").respond_with_json(
        {"id": "run_1"}, headers={"x-trigger-jwt-claims": json.dumps(claims)}
    )
    before = int(time.time())
    token = sync_client(httpserver.url_for("")).tasks.trigger("t").public_access_token
    assert token is not None
    payload = verified(token)
    assert {k: payload[k] for k in ("sub", "pub", "realtime", "scopes")} == {
        **claims,
        "scopes": ["read:runs:run_1"],
    }
    assert before <= payload["iat"] <= time.time() and payload["exp"] == payload["iat"] + 3600


def test_a_batch_token_reads_the_batch(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api/v3/batches", method="POST").respond_with_json(
        {"id": "batch_1", "runCount": 1, "isCached": True},
        status=202,
        headers={"x-trigger-jwt-claims": json.dumps(ENV_CLAIMS)},
    )
    batch = sync_client(httpserver.url_for("")).tasks.batch_trigger("t", [{"payload": 1}])
    assert verified(batch.public_access_token or "")["scopes"] == ["read:batch:batch_1"]


def test_no_token_when_there_is_nothing_to_sign_with(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api/v1/tasks/t/trigger").respond_with_json({"id": "run_1"})
    assert (
        sync_client(httpserver.url_for("")).tasks.trigger("t").public_access_token is None
    )  # no claims header
    httpserver.clear()
    httpserver.expect_request("/api/v1/tasks/t/trigger").respond_with_json(
        {"id": "run_1"}, headers={"x-trigger-jwt-claims": json.dumps(ENV_CLAIMS)}
    )
    restricted = sync_client(httpserver.url_for(""), secret_key=RESTRICTED_KEY)
    assert restricted.tasks.trigger("t").public_access_token is None  # a restricted key cannot sign


# --- auth.create_*


@pytest.mark.parametrize(
    ("scopes", "expected"),
    [
        ({"read": {"runs": True}}, ["read:runs"]),
        ({"read": {"runs": "run_1", "tags": ["a", "b"]}}, ["read:runs:run_1", "read:tags:a", "read:tags:b"]),
        (
            {"read": {"batch": "batch_1", "input_streams": "run_1"}},
            ["read:batch:batch_1", "read:inputStreams:run_1"],
        ),
        ({"write": {"waitpoints": ["w_1"]}}, ["write:waitpoints:w_1"]),
        (
            {"trigger": {"tasks": "send"}, "batch_trigger": {"tasks": ["a", "b"]}},
            ["trigger:tasks:send", "batchTrigger:tasks:a", "batchTrigger:tasks:b"],
        ),
        (["read:runs:run_9", "admin"], ["read:runs:run_9", "admin"]),
    ],
)
def test_scopes_are_flattened_as_the_official_sdk_flattens_them(
    httpserver: HTTPServer, scopes: Any, expected: list[str]
) -> None:
    serve_claims(httpserver)
    token = sync_client(httpserver.url_for("")).auth.create_public_token(scopes=scopes)
    assert verified(token)["scopes"] == expected


def test_a_public_token_carries_the_environment_claims_and_lasts_15_minutes(httpserver: HTTPServer) -> None:
    serve_claims(httpserver)
    client = sync_client(httpserver.url_for(""))
    payload = verified(client.auth.create_public_token(scopes={"read": {"runs": True}}))
    assert payload["sub"] == ENV_CLAIMS["sub"] and payload["pub"] is True
    assert payload["exp"] - payload["iat"] == 15 * 60
    assert "otu" not in payload
    client.auth.create_public_token()  # no scopes: the claim is left out, as in the official SDK
    assert "scopes" not in verified(client.auth.create_public_token())
    claims_requests = [r for r, _ in httpserver.log if r.path == "/api/v1/auth/jwt/claims"]
    assert len(claims_requests) == 1  # the environment's claims are fetched once per client
    assert claims_requests[0].headers["Authorization"] == f"Bearer {KEY}"


@pytest.mark.parametrize(
    ("expiration", "seconds"),
    [
        ("1h", 3600),
        ("2 days", 172_800),
        ("30m", 1800),
        ("90s", 90),
        (datetime.timedelta(minutes=5), 300),
        ("1 week", 604_800),
    ],
)
def test_expiration_forms(httpserver: HTTPServer, expiration: Any, seconds: int) -> None:
    serve_claims(httpserver)
    payload = verified(sync_client(httpserver.url_for("")).auth.create_public_token(expiration=expiration))
    assert payload["exp"] - payload["iat"] == seconds


def test_an_absolute_expiration(httpserver: HTTPServer) -> None:
    serve_claims(httpserver)
    client = sync_client(httpserver.url_for(""))
    at = int(time.time()) + 7200
    assert (
        verified(client.auth.create_public_token(expiration=at))["exp"] == at
    )  # Unix seconds, as the official SDK
    when = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=3)
    assert verified(client.auth.create_public_token(expiration=when))["exp"] == int(when.timestamp())


def test_trigger_tokens_are_one_time_unless_asked(httpserver: HTTPServer) -> None:
    serve_claims(httpserver)
    auth = sync_client(httpserver.url_for("")).auth
    once = verified(auth.create_trigger_public_token("send-email"))
    assert once["scopes"] == ["trigger:tasks:send-email"] and once["otu"] is True
    many = verified(auth.create_batch_trigger_public_token(["a", "b"], multiple_use=True, expiration="1h"))
    assert many["scopes"] == ["batchTrigger:tasks:a", "batchTrigger:tasks:b"] and "otu" not in many
    skipping = verified(
        auth.create_public_token(scopes={"read": {"runs": True}}, realtime_skip_columns=["payload"])
    )
    assert skipping["realtime"] == {"skipColumns": ["payload"]}


def test_a_restricted_key_has_the_server_sign(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api/v1/auth/public-tokens", method="POST").respond_with_json(
        {"token": "server.signed.token"}
    )
    client = sync_client(httpserver.url_for(""), secret_key=RESTRICTED_KEY)
    assert client.auth.create_trigger_public_token("t", expiration="1h") == "server.signed.token"
    ((request, _),) = httpserver.log
    assert json.loads(request.get_data()) == {
        "scopes": ["trigger:tasks:t"],
        "oneTimeUse": True,
        "expirationTime": "1h",
    }


def test_a_restricted_key_on_a_server_before_4_5_10_is_told_why(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/api/v1/auth/public-tokens", method="POST").respond_with_data("no", status=404)
    client = sync_client(httpserver.url_for(""), secret_key=RESTRICTED_KEY)
    with pytest.raises(
        trigger_dev.NotFoundError, match=r"from 4\.5\.10\); use the environment.s root secret key"
    ):
        client.auth.create_public_token(scopes=["read:runs"])


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (
            lambda a: a.create_public_token(scopes={"read": {"everything": True}}),
            TypeError,
            "no key 'everything'",
        ),
        (lambda a: a.create_public_token(scopes={"delete": {"runs": True}}), TypeError, "no action 'delete'"),
        (
            lambda a: a.create_public_token(scopes={"trigger": {"runs": True}}),
            TypeError,
            "valid keys are: tasks",
        ),
        (lambda a: a.create_public_token(expiration="tomorrow"), ValueError, "a duration such as '15m'"),
        (
            lambda a: a.create_public_token(expiration=datetime.datetime(2030, 1, 1)),
            ValueError,
            "timezone-aware",
        ),
        (lambda a: a.create_trigger_public_token([]), ValueError, "a task id or a list of task ids"),
        (lambda a: a.create_public_token(scopes=["runs"]), ValueError, "looks like 'read:runs'"),
    ],
)
def test_bad_input_is_refused_before_sending(
    httpserver: HTTPServer, call: Any, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        call(sync_client(httpserver.url_for("")).auth)
    assert httpserver.log == []


def test_an_access_token_cannot_sign(httpserver: HTTPServer) -> None:
    with pytest.raises(trigger_dev.AuthMethodError, match="needs an environment's secret key"):
        sync_client(httpserver.url_for(""), access_token=ACCESS_TOKEN).auth.create_public_token()
    assert httpserver.log == []


def test_async_tokens(httpserver: HTTPServer) -> None:
    serve_claims(httpserver)

    async def main() -> str:
        async with async_client(httpserver.url_for(""), secret_key=KEY) as client:
            await client.auth.create_public_token(scopes={"read": {"runs": True}})
            return await client.auth.create_trigger_public_token("t")

    payload = verified(asyncio.run(main()))
    assert (
        payload["scopes"] == ["trigger:tasks:t"]
        and payload["otu"] is True
        and payload["sub"] == ENV_CLAIMS["sub"]
    )
    assert len([r for r, _ in httpserver.log if r.path.endswith("/claims")]) == 1


def test_module_level_auth_uses_the_default_client(httpserver: HTTPServer) -> None:
    serve_claims(httpserver)
    trigger_dev.configure(secret_key=KEY, base_url=httpserver.url_for(""))
    assert verified(trigger_dev.auth.create_public_token())["sub"] == ENV_CLAIMS["sub"]

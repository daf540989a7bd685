"""Secret filters applied to every exchange before a cassette is written, and the pattern the
cassette test uses to prove none got through."""

from __future__ import annotations

import json
import re
from typing import Any

FILTERED = "<filtered>"

# Request and response headers that carry credentials or bearer tokens.
SECRET_HEADERS = ("authorization", "x-trigger-jwt", "x-trigger-jwt-claims", "cookie", "set-cookie")
# JSON fields that carry credentials (whoami returns the environment's apiKey).
SECRET_FIELDS = frozenset({"apiKey", "secretKey", "accessToken", "publicAccessToken", "token", "jwt"})
KEY_SHAPED = re.compile(
    r"tr_(?:dev|prod|stg|staging|preview|pat|oat|uat)_[A-Za-z0-9_]+"
    r"|eyJ[A-Za-z0-9_-]{5,}\.eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*"
)


def scrub_text(text: str) -> str:
    return KEY_SHAPED.sub(FILTERED, text)


def scrub_json(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: FILTERED if k in SECRET_FIELDS else scrub_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub_json(v) for v in value]
    if isinstance(value, str):
        return scrub_text(value)
    return value


def scrub_body(body: bytes | str | None) -> bytes | str | None:
    if not body:
        return body
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    try:
        cleaned = json.dumps(scrub_json(json.loads(text)), separators=(",", ":"))
        if json.loads(cleaned) == json.loads(text):
            cleaned = text  # nothing secret: keep the bytes exactly as sent, for matching
    except ValueError:
        cleaned = scrub_text(text)
    return cleaned.encode() if isinstance(body, bytes) else cleaned


def scrub_request(request: Any) -> Any:
    request.body = scrub_body(request.body)
    request.uri = scrub_text(request.uri)
    return request


def scrub_response(response: dict[str, Any]) -> dict[str, Any]:
    headers = response.get("headers", {})
    for name in list(headers):
        if name.lower() in SECRET_HEADERS:
            headers[name] = [FILTERED]
        else:
            headers[name] = [scrub_text(v) for v in headers[name]]
    body = response.get("body", {})
    if "string" in body:
        body["string"] = scrub_body(body["string"])
    return response

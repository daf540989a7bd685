# Copied by codegen.py from templates/runtime/_http/raw_response.py (sha256 b28d335673f24991); edit that file, not this one.
"""A response as it came back, with its typed result one `parse()` away."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Generic, TypeVar

from .. import _json
from .._exceptions import HTML_TITLE, ApiSchemaValidationError, SchemaError, readable

__all__ = ["UNPARSED", "RawResponse"]

T = TypeVar("T")

UNPARSED: Any = object()
"""No value yet: the body is parsed when first asked for."""


class RawResponse(Generic[T]):
    """The HTTP response of a call: ``status_code``, ``headers``, ``text``, ``json()``, and
    ``parse()`` for the typed result the plain call returns."""

    __slots__ = ("status_code", "headers", "content", "_parser", "_parsed", "_operation", "_document")

    def __init__(
        self,
        *,
        status_code: int,
        headers: Mapping[str, str],
        content: bytes,
        parser: Callable[[Any], T],
        operation: str,
        document: Any = UNPARSED,
    ) -> None:
        """``document``, when given, is parsed in place of the body: the body with what the
        client completed in it (data downloaded from presigned URLs, the result of a 204)."""
        self.status_code = status_code
        self.headers = headers
        self.content = content
        self._parser = parser
        self._parsed: T = UNPARSED
        self._operation = operation
        self._document = document

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", errors="replace")

    def json(self) -> Any:
        return _json.loads(self.content)

    def parse(self) -> T:
        """The typed result; `ApiSchemaValidationError` when the body is not what the API
        description promises (the raw text stays in the error's ``body``)."""
        if self._parsed is UNPARSED:
            try:
                document = self.json() if self._document is UNPARSED else self._document
                self._parsed = self._parser(document)
            except SchemaError as exc:
                raise self._schema_error(str(exc)) from None
            except ValueError as exc:
                raise self._schema_error(self._not_json(exc)) from None
        return self._parsed

    def _not_json(self, exc: ValueError) -> str:
        content_type = self.headers.get("content-type") or "no content type"
        text = self.text
        if "html" in content_type.lower() or text.lstrip()[:1] == "<":
            title = HTML_TITLE.search(text)
            page = f"an HTML page titled {readable(title.group(1))!r}" if title else "an HTML page"
            return (
                f"expected JSON, got {page} ({content_type}); base_url may point at a website "
                "or a proxy's login page rather than the API"
            )
        if not text.strip():
            return f"expected JSON, got an empty body ({content_type})"
        return f"expected JSON, got {content_type}: {readable(text, 80)!r} ({exc})"

    def _schema_error(self, detail: str) -> ApiSchemaValidationError:
        error = ApiSchemaValidationError(
            f"{self._operation}: unexpected response body: {detail}",
            status=self.status_code,
            headers=self.headers,
            body=self.text,
        )
        error.operation = self._operation
        return error

    def __repr__(self) -> str:
        return f"<RawResponse {self._operation} {self.status_code}>"

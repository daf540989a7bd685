"""A ClickHouse HTTP interface in front of chdb (ClickHouse's engine as a Python module).

Debian's ClickHouse is far too old for the webapp's ClickHouse schema, and no newer server
binary comes from the package registries; `chdb-core` (PyPI) carries a current engine but no
server. This serves the part of ClickHouse's HTTP interface that `@clickhouse/client` uses:

* ``GET /ping`` and ``GET /`` answer ``Ok.``;
* a statement in the ``query`` URL parameter, in the body, or both (the body follows the URL's
  text, which is how INSERT data arrives); ``param_<name>`` parameters; ``database``; any other
  parameter is taken as a setting for that one request;
* the output format from the statement's FORMAT clause, else ``default_format``, else
  TabSeparated; gzip or deflate request bodies;
* errors as ClickHouse sends them: a non-2xx status, ``Code: N. DB::Exception: ... (NAME)`` in
  the body and the code in ``X-ClickHouse-Exception-Code``.

chdb keeps one session, so settings are per session. A request's settings are applied with SET
and put back to the values they had before the request when it ends, so that nothing one request
asks for leaks into the next (the webapp's /api/v1/query asks for ``readonly=1``, which would
otherwise stop the runs replication's inserts). ``readonly`` itself cannot be undone once set, so
it is enforced here instead: a request with ``readonly`` set may only read.

Run with the lane's venv: ``python ch_shim.py --path DIR --port PORT``; it listens on 127.0.0.1
only. ``--migrate DIR`` applies goose-style ``.sql`` files (the Up part) once each before serving.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import threading
import time
import uuid
import zlib
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

HOST = "127.0.0.1"

# URL parameters of the HTTP interface that are not settings.
NOT_SETTINGS = frozenset(
    {
        "query", "database", "query_id", "default_format", "session_id", "session_timeout",
        "session_check", "user", "password", "compress", "decompress", "enable_http_compression",
        "http_zlib_compression_level", "wait_end_of_query", "buffer_size", "role", "quota_key",
        "send_progress_in_http_headers", "http_headers_progress_interval_ms", "add_http_cors_header",
        "http_response_buffer_size", "client_protocol_version",
    }
)  # fmt: skip
READ_ONLY_START = re.compile(r"^\s*(?:\(\s*)*(SELECT|WITH|SHOW|DESCRIBE|DESC|EXPLAIN|EXISTS)\b", re.I)
FORMAT_CLAUSE = re.compile(r"\bFORMAT\s+([A-Za-z0-9_]+)\s*;?\s*$", re.I)
ERROR_CODE = re.compile(r"Code:\s*(\d+)")
# The tail of a goose file's Up part; StatementBegin/End blocks are kept whole.
GOOSE_UP = re.compile(r"--\s*\+goose\s+Up(.*?)(?:--\s*\+goose\s+Down|\Z)", re.S | re.I)

CONTENT_TYPES = {
    "JSON": "application/json; charset=UTF-8",
    "JSONCompact": "application/json; charset=UTF-8",
    "JSONEachRow": "application/x-ndjson; charset=UTF-8",
    "JSONCompactEachRow": "application/x-ndjson; charset=UTF-8",
    "JSONCompactEachRowWithNames": "application/x-ndjson; charset=UTF-8",
    "JSONCompactEachRowWithNamesAndTypes": "application/x-ndjson; charset=UTF-8",
    "JSONStringsEachRow": "application/x-ndjson; charset=UTF-8",
    "CSV": "text/csv; charset=UTF-8; header=absent",
}


class Engine:
    """One chdb session, used by one request at a time."""

    def __init__(self, path: Path) -> None:
        from chdb import session as chdb_session  # type: ignore[import-not-found]  # the lane's venv

        path.mkdir(parents=True, exist_ok=True)
        self._session = chdb_session.Session(str(path))
        self._lock = threading.Lock()
        self.version = self._run("SELECT version()", "TabSeparated").strip()
        self._database = "default"

    def _run(self, sql: str, fmt: str, params: dict[str, str] | None = None) -> str:
        result = self._session.query(sql, fmt, params=params or None)
        data = result.bytes() if hasattr(result, "bytes") else str(result).encode()
        return data.decode("utf-8", "replace") if isinstance(data, bytes) else str(data)

    def _run_bytes(self, sql: str, fmt: str, params: dict[str, str] | None) -> bytes:
        result = self._session.query(sql, fmt, params=params or None)
        data = result.bytes() if hasattr(result, "bytes") else str(result).encode()
        return data if isinstance(data, bytes) else str(data).encode()

    def execute(
        self, sql: str, fmt: str, database: str, settings: dict[str, str], params: dict[str, str]
    ) -> bytes:
        with self._lock:
            if settings.pop("readonly", "0") not in ("0", "") and not READ_ONLY_START.match(sql):
                raise ShimError(164, "Cannot execute query in readonly mode", "READONLY")
            if database != self._database:
                self._session.query(f"USE `{database.replace('`', '')}`", "TabSeparated")
                self._database = database
            before = self._apply(settings)
            try:
                return self._run_bytes(sql, fmt, params)
            finally:
                self._restore(before)

    def _apply(self, settings: dict[str, str]) -> dict[str, str]:
        before: dict[str, str] = {}
        for name, value in settings.items():
            if not re.fullmatch(r"[A-Za-z0-9_]+", name):
                continue
            current = self._run(
                "SELECT value FROM system.settings WHERE name = {n:String}", "TabSeparated", {"n": name}
            )
            if current == "":
                continue  # not a setting of this engine (an HTTP-only knob): ignore it, as a server would
            before[name] = current.rstrip("\n")
            self._session.query(f"SET {name} = {_literal(value)}", "TabSeparated")
        return before

    def _restore(self, before: dict[str, str]) -> None:
        for name, value in before.items():
            try:
                self._session.query(f"SET {name} = {_literal(value)}", "TabSeparated")
            except Exception as error:
                print(f"ch_shim: could not put {name} back to {value!r}: {error}", file=sys.stderr)

    def migrate(self, folder: Path) -> None:
        self._session.query(
            "CREATE TABLE IF NOT EXISTS default.lane_migrations (name String, applied_at DateTime) "
            "ENGINE = MergeTree ORDER BY name",
            "TabSeparated",
        )
        done = set(self._run("SELECT name FROM default.lane_migrations", "TabSeparated").split())
        for file in sorted(folder.glob("*.sql")):
            if file.name in done:
                continue
            for statement in goose_statements(file.read_text()):
                statement = adapt_statement(file.name, statement)
                try:
                    self._session.query(statement, "TabSeparated")
                except Exception as error:
                    raise SystemExit(
                        f"ClickHouse migration {file.name} failed: {error}\n{statement}"
                    ) from error
            self._session.query(
                "INSERT INTO default.lane_migrations VALUES ({n:String}, now())",
                "TabSeparated",
                params={"n": file.name},
            )
            print(f"ch_shim: applied {file.name}", flush=True)


def goose_statements(text: str) -> list[str]:
    """The Up statements of a goose migration file, in order."""
    match = GOOSE_UP.search(text)
    body = match.group(1) if match else text
    statements: list[str] = []
    block: list[str] | None = None
    current: list[str] = []
    for line in body.splitlines():
        marker = line.strip().lower()
        if marker.startswith("-- +goose statementbegin"):
            block = []
            continue
        if marker.startswith("-- +goose statementend"):
            if block is not None and "".join(block).strip():
                statements.append("\n".join(block).strip().rstrip(";"))
            block = None
            continue
        if block is not None:
            block.append(line)
            continue
        if marker.startswith("--"):
            continue
        current.append(line)
        if line.rstrip().endswith(";"):
            statements.append("\n".join(current).strip().rstrip(";"))
            current = []
    if "".join(current).strip():
        statements.append("\n".join(current).strip().rstrip(";"))
    return [s for s in statements if s.strip()]


def adapt_statement(file_name: str, statement: str) -> str:
    """The one migration this engine refuses as written: newer ClickHouse asks for an opt-in to
    keep a column outside the sorting key as a dimension of a (Replacing/Summing) table."""
    is_table = re.match(r"\s*CREATE\s+TABLE\b", statement, re.I)
    if file_name.startswith("022_") and is_table and "allow_dimensions_outside_sorting_key" not in statement:
        if re.search(r"\bSETTINGS\b", statement, re.I):
            return re.sub(
                r"\bSETTINGS\b",
                "SETTINGS allow_dimensions_outside_sorting_key = 1,",
                statement,
                count=1,
                flags=re.I,
            )
        if re.search(r"\bENGINE\b", statement, re.I):
            return statement + "\nSETTINGS allow_dimensions_outside_sorting_key = 1"
    return statement


def _literal(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


class ShimError(Exception):
    def __init__(self, code: int, message: str, name: str) -> None:
        super().__init__(message)
        self.code, self.name = code, name


def make_handler(engine: Engine) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "ClickHouse-chdb-shim"

        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            self._handle(b"")

        def do_HEAD(self) -> None:
            self._send(200, b"", {"Content-Type": "text/plain; charset=UTF-8"})

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                body = self._read_chunked()
            else:
                body = self.rfile.read(length) if length else b""
            encoding = (self.headers.get("Content-Encoding") or "").lower()
            if encoding == "gzip":
                body = gzip.decompress(body)
            elif encoding == "deflate":
                body = zlib.decompress(body)
            self._handle(body)

        def _read_chunked(self) -> bytes:
            parts = []
            for _ in range(1_000_000):  # bounded: a chunk each round
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    break
                parts.append(self.rfile.read(size))
                self.rfile.readline()
            return b"".join(parts)

        def _handle(self, body: bytes) -> None:
            url = urlsplit(self.path)
            if url.path.rstrip("/") in ("/ping", "") and not url.query and not body:
                self._send(200, b"Ok.\n", {"Content-Type": "text/plain; charset=UTF-8"})
                return
            params = dict(parse_qsl(url.query, keep_blank_values=True))
            query_id = params.get("query_id") or str(uuid.uuid4())
            sql = params.get("query", "")
            text = body.decode("utf-8", "replace")
            sql = f"{sql}\n{text}" if sql and text else (sql or text)
            if not sql.strip():
                self._error(query_id, ShimError(62, "Empty query", "SYNTAX_ERROR"))
                return
            query_params = {k[6:]: v for k, v in params.items() if k.startswith("param_")}
            settings = {
                k: v for k, v in params.items() if k not in NOT_SETTINGS and not k.startswith("param_")
            }
            match = FORMAT_CLAUSE.search(
                sql.split("\n", 1)[0] if sql.lstrip().upper().startswith("INSERT") else sql
            )
            fmt = params.get("default_format") or "TabSeparated"
            if match and not sql.lstrip().upper().startswith("INSERT"):
                fmt = match.group(1)
            started = time.monotonic()
            try:
                data = engine.execute(sql, fmt, params.get("database") or "default", settings, query_params)
            except ShimError as error:
                self._error(query_id, error)
                return
            except Exception as error:
                message = str(error)
                code = ERROR_CODE.search(message)
                self._error(query_id, ShimError(int(code.group(1)) if code else 1000, message, ""))
                return
            summary = {
                "read_rows": "0", "read_bytes": "0", "written_rows": "0", "written_bytes": "0",
                "total_rows_to_read": "0", "result_rows": "0", "result_bytes": str(len(data)),
                "elapsed_ns": str(int((time.monotonic() - started) * 1e9)),
            }  # fmt: skip
            self._send(
                200,
                data,
                {
                    "Content-Type": CONTENT_TYPES.get(fmt, "text/plain; charset=UTF-8"),
                    "X-ClickHouse-Format": fmt,
                    "X-ClickHouse-Query-Id": query_id,
                    "X-ClickHouse-Summary": json.dumps(summary),
                    "X-ClickHouse-Timezone": "UTC",
                },
            )

        def _error(self, query_id: str, error: ShimError) -> None:
            message = str(error)
            if not message.startswith("Code:"):
                message = f"Code: {error.code}. DB::Exception: {message}. ({error.name or 'UNKNOWN'})"
            body = f"{message} (version {engine.version})\n".encode()
            status = HTTPStatus.BAD_REQUEST if error.code in (62, 164) else HTTPStatus.INTERNAL_SERVER_ERROR
            self._send(
                status,
                body,
                {
                    "Content-Type": "text/plain; charset=UTF-8",
                    "X-ClickHouse-Exception-Code": str(error.code),
                    "X-ClickHouse-Query-Id": query_id,
                },
            )

        def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

    return Handler


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--path", type=Path, required=True, help="chdb's data folder")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--migrate", type=Path, help="a folder of goose .sql files to apply once each")
    args = parser.parse_args()
    engine = Engine(args.path)
    if args.migrate:
        engine.migrate(args.migrate)
    server = ThreadingHTTPServer((HOST, args.port), make_handler(engine))
    server.daemon_threads = True
    print(f"ch_shim: ClickHouse {engine.version} (chdb) on http://{HOST}:{args.port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()

"""The real-server lane's own logic, offline: what the ClickHouse shim takes from a goose
migration, the one change made to the upstream source, and the Node preload that keeps every
server of the webapp on loopback. (The lane itself is run by `make real-server`; see
docs/real-server.md.)"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tools.real_server import ch_shim, lane

TOOLS = Path(__file__).resolve().parent.parent / "tools" / "real_server"


def test_goose_statements_keep_the_up_part_in_order() -> None:
    text = """-- +goose Up
-- a comment
CREATE TABLE a (x UInt8) ENGINE = Memory;

-- +goose StatementBegin
CREATE VIEW v AS SELECT 1;
SELECT 2;
-- +goose StatementEnd
ALTER TABLE a ADD COLUMN y String;
-- +goose Down
DROP TABLE a;
"""
    assert ch_shim.goose_statements(text) == [
        "CREATE TABLE a (x UInt8) ENGINE = Memory",
        "CREATE VIEW v AS SELECT 1;\nSELECT 2",
        "ALTER TABLE a ADD COLUMN y String",
    ]


def test_only_the_errors_table_gets_the_dimensions_setting() -> None:
    table = "CREATE TABLE t (a String) ENGINE = AggregatingMergeTree() ORDER BY a SETTINGS index_granularity = 8192"
    adapted = ch_shim.adapt_statement("022_create_errors_v1_table.sql", table)
    assert "SETTINGS allow_dimensions_outside_sorting_key = 1, index_granularity = 8192" in adapted
    view = "CREATE MATERIALIZED VIEW v TO t AS SELECT a FROM s"
    assert ch_shim.adapt_statement("022_create_errors_v1_table.sql", view) == view
    assert ch_shim.adapt_statement("023_other.sql", table) == table


def test_a_readonly_request_may_only_read() -> None:
    assert ch_shim.READ_ONLY_START.match("WITH x AS (SELECT 1) SELECT * FROM x")
    assert ch_shim.READ_ONLY_START.match("  (SELECT 1)")
    assert not ch_shim.READ_ONLY_START.match("INSERT INTO t SELECT 1")


def test_the_source_change_adds_the_query_compiler_once(tmp_path: Path) -> None:
    for folder in ("database", "run-ops-database"):
        schema = tmp_path / "internal-packages" / folder / "prisma" / "schema.prisma"
        schema.parent.mkdir(parents=True)
        schema.write_text('generator client {\n  previewFeatures = ["metrics", "driverAdapters"]\n}\n')
    lane.apply_source_change(tmp_path)
    lane.apply_source_change(tmp_path)  # again: nothing more
    for folder in ("database", "run-ops-database"):
        text = (tmp_path / "internal-packages" / folder / "prisma" / "schema.prisma").read_text()
        assert 'previewFeatures = ["metrics", "driverAdapters", "queryCompiler"]' in text


def test_the_source_change_fails_loudly_without_preview_features(tmp_path: Path) -> None:
    schema = tmp_path / "internal-packages" / "database" / "prisma" / "schema.prisma"
    schema.parent.mkdir(parents=True)
    schema.write_text("generator client {}\n")
    with pytest.raises(lane.LaneError, match="previewFeatures"):
        lane.apply_source_change(tmp_path)


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node")
@pytest.mark.parametrize(
    "listen",
    ["server.listen(0, done)", "server.listen(0, '0.0.0.0', done)", "server.listen({port: 0}, done)",
     "server.listen(done)", "server.listen(0, '::', 511, done)"],
)  # fmt: skip
def test_the_preload_keeps_servers_on_loopback(listen: str) -> None:
    script = (
        "const server = require('node:http').createServer();"
        "const done = () => { console.log(server.address().address); server.close(); };"
        f"{listen};"
    )
    shown = subprocess.run(
        ["node", "--require", str(TOOLS / "loopback.cjs"), "-e", script],
        capture_output=True, text=True, timeout=30, check=True,
    )  # fmt: skip
    assert shown.stdout.strip() == "127.0.0.1"


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node")
def test_the_preload_refuses_another_address() -> None:
    script = "require('node:http').createServer().listen(0, '10.1.2.3')"
    refused = subprocess.run(
        ["node", "--require", str(TOOLS / "loopback.cjs"), "-e", script],
        capture_output=True, text=True, timeout=30, check=False,
    )  # fmt: skip
    assert refused.returncode != 0 and "refusing to listen on 10.1.2.3" in refused.stderr

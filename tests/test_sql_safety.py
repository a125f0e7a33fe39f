"""nianbao.warehouse.run_query: only one read-only statement, no file/network/extension access, limits."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from nianbao import warehouse as wh


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny published snapshot (no pipeline needed to test the read side)."""
    root = tmp_path_factory.mktemp("wh")
    path = root / "warehouse.duckdb"
    snap = wh.snapshot_path(path)
    snap.parent.mkdir(parents=True)
    con = duckdb.connect(str(snap))
    con.execute("CREATE SCHEMA core; CREATE TABLE core.reports AS SELECT range AS report_id FROM range(100)")
    con.execute(
        "CREATE VIEW reports AS SELECT * FROM core.reports; COMMENT ON VIEW reports IS '报告 / reports'"
    )
    con.close()
    return path


def test_select_works_with_row_limit(warehouse: Path) -> None:
    result = wh.run_query("SELECT * FROM reports ORDER BY report_id", warehouse, max_rows=10)
    assert result.columns == ["report_id"] and len(result.rows) == 10 and result.truncated
    full = wh.run_query("WITH x AS (SELECT count(*) AS n FROM reports) SELECT n FROM x;", warehouse)
    assert full.rows == [(100,)] and not full.truncated
    assert wh.run_query("DESCRIBE reports", warehouse).rows
    assert wh.run_query("FROM reports LIMIT 1", warehouse).rows == [(0,)]


@pytest.mark.parametrize(
    "sql",
    [
        "CREATE TABLE x (a INT)",
        "INSERT INTO core.reports VALUES (1)",
        "UPDATE core.reports SET report_id = 0",
        "DELETE FROM core.reports",
        "DROP VIEW reports",
        "ATTACH '/tmp/evil.duckdb' AS evil",
        "COPY core.reports TO '/tmp/out.csv'",
        "EXPORT DATABASE '/tmp/exported'",
        "INSTALL httpfs",
        "LOAD httpfs",
        "SET enable_external_access = true",
        "PRAGMA enable_profiling",
        "CHECKPOINT",
        "SELECT 1; SELECT 2",
        "SELECT 1; DROP VIEW reports",
        "",
    ],
)
def test_statements_other_than_queries_are_refused(warehouse: Path, sql: str) -> None:
    with pytest.raises(wh.UnsafeQuery):
        wh.run_query(sql, warehouse)


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT * FROM read_csv('/etc/passwd')",
        "SELECT * FROM read_text('/etc/passwd')",
        "SELECT * FROM read_blob('/etc/passwd')",
        "SELECT * FROM glob('/etc/*')",
        "SELECT * FROM '/etc/passwd'",
        "SELECT * FROM read_parquet('/tmp/x.parquet')",
        "SELECT * FROM read_json('http://example.com/x.json')",
    ],
)
def test_file_and_network_access_is_refused(warehouse: Path, sql: str) -> None:
    with pytest.raises(duckdb.Error):
        wh.run_query(sql, warehouse)


def test_connection_is_locked_down(warehouse: Path) -> None:
    with wh.connect(warehouse) as con:
        for statement in ("SET enable_external_access = true", "SET disabled_filesystems = ''",
                          "SET lock_configuration = false", "CREATE TABLE core.x (a INT)"):  # fmt: skip
            with pytest.raises(duckdb.Error):
                con.execute(statement)
        assert con.execute("SELECT current_setting('enable_external_access')").fetchall() == [(False,)]


def test_long_query_is_interrupted(warehouse: Path) -> None:
    with pytest.raises(wh.QueryTimeout):
        wh.run_query("SELECT count(*) FROM range(100000000000) a", warehouse, timeout_s=0.3)


def test_missing_snapshot_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(wh.SnapshotMissing, match="nianbao ingest"):
        wh.run_query("SELECT 1", tmp_path / "nothing.duckdb")
    assert wh.snapshot_info(tmp_path / "nothing.duckdb") is None


def test_warehouse_path_resolution(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(wh.ENV_WAREHOUSE, raising=False)
    assert wh.resolve_warehouse_path() == Path("data/warehouse.duckdb").absolute()
    monkeypatch.setenv(wh.ENV_WAREHOUSE, str(tmp_path / "env.duckdb"))
    assert wh.resolve_warehouse_path() == tmp_path / "env.duckdb"
    assert wh.resolve_warehouse_path(tmp_path / "arg.duckdb") == tmp_path / "arg.duckdb"
    assert wh.snapshot_path(tmp_path / "w.duckdb") == tmp_path / "published" / "w.snapshot.duckdb"


def test_describe_schema_lists_bare_names_with_comments(warehouse: Path) -> None:
    rows = wh.describe_schema(warehouse).to_pylist()
    assert rows == [
        {"table_name": "reports", "table_comment": "报告 / reports", "column_name": "report_id",
         "data_type": "BIGINT", "column_comment": None}
    ]  # fmt: skip

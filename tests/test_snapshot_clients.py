"""The published snapshot opens in the DuckDB clients users have, and every read sees the newest publish.

- the `duckdb` CLI from PyPI (duckdb-cli, a 1.x release older than the Python package) opens it, directly
  and through `nianbao shell`;
- in one process, a reader that opens the snapshot after a publish sees the new version even while a
  connection to the old one is still open (DuckDB keeps one instance per path and process);
- a publish removes what killed publishes left behind, and keeps only the current and the previous version;
- a warehouse written in DuckDB 2's own storage format is converted once, so its snapshots open too.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from test_dagster_pipeline import materialize
from test_warehouse_corpus import build_corpus, make_record, write_record

from dagster_project.defs.warehouse import loader
from nianbao import warehouse as wh
from nianbao.commands.shell import duckdb_cli

NIANBAO = Path(sys.executable).parent / "nianbao"


@pytest.fixture
def published(tmp_path: Path) -> tuple[Path, Path]:
    corpus = build_corpus(tmp_path / "corpus")
    warehouse = tmp_path / "data" / "warehouse.duckdb"
    materialize(warehouse, [corpus])
    return warehouse, corpus


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([duckdb_cli(), *args], capture_output=True, text=True, timeout=60)


def test_the_duckdb_cli_from_pypi_opens_the_snapshot(published: tuple[Path, Path]) -> None:
    warehouse, _ = published
    version = cli("-version").stdout
    assert version.startswith("v1."), f"the CLI users get from PyPI is a 1.x release: {version}"
    assert duckdb.__version__.startswith("2."), "the file is written by a newer DuckDB than the CLI"
    snapshot = str(wh.snapshot_path(warehouse))
    done = cli("-readonly", "-list", "-noheader", snapshot, "-c", "SELECT count(*) FROM reports")
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["5"]
    names = cli("-readonly", "-list", "-noheader", snapshot, "-c",
                "SELECT name_zh, name_en FROM countries WHERE country_code = 'KR'")  # fmt: skip
    assert names.stdout.split() == ["韩国|South", "Korea"], names.stderr
    docs = "SELECT column_comment FROM schema_docs WHERE column_name = 'report_id' LIMIT 1"
    comments = cli("-readonly", "-list", "-noheader", snapshot, "-c", docs)
    assert "Report id" in comments.stdout, comments.stdout + comments.stderr


def test_nianbao_shell_runs_the_cli_read_only_on_the_newest_version(published: tuple[Path, Path]) -> None:
    warehouse, _ = published
    shell = [str(NIANBAO), "shell", "--warehouse", str(warehouse)]
    done = subprocess.run([*shell, "SELECT count(*) FROM ingest_files"], capture_output=True, text=True,
                          timeout=60)  # fmt: skip
    assert done.returncode == 0 and "9" in done.stdout, done.stderr
    refused = subprocess.run([*shell, "CREATE TABLE x (a INT)"], capture_output=True, text=True, timeout=60)
    assert "read-only" in (refused.stdout + refused.stderr).lower()
    interactive = subprocess.run(shell, input="SELECT 40 + 2 AS answer;\n", capture_output=True, text=True,
                                 timeout=60)  # fmt: skip
    assert "schema_docs" in interactive.stdout and "42" in interactive.stdout, interactive.stderr


def test_a_read_after_a_publish_sees_it_while_an_old_connection_is_open(published: tuple[Path, Path]) -> None:
    warehouse, corpus = published
    held = wh.open_snapshot(warehouse)
    try:
        assert held.execute("SELECT count(*) FROM ingest_files").fetchall() == [(9,)]
        write_record(corpus / "d_2024.txt", make_record(name="新单位", uscc="12330500MB0000000X"))
        materialize(warehouse, [corpus])
        assert wh.snapshot_info(warehouse)["version"] == 2
        with wh.connect(warehouse) as con:
            assert con.execute("SELECT count(*) FROM ingest_files").fetchall() == [(10,)]
        assert wh.run_query("SELECT count(*) FROM ingest_files", warehouse).rows == [(10,)]
        assert wh.describe_schema(warehouse).num_rows > 0
        assert held.execute("SELECT count(*) FROM ingest_files").fetchall() == [(9,)], "its own version"
    finally:
        held.close()


def test_the_dashboard_reads_the_version_its_label_shows(published: tuple[Path, Path], monkeypatch) -> None:
    from dashboard import db

    warehouse, corpus = published
    monkeypatch.setenv(wh.ENV_WAREHOUSE, str(warehouse))
    held = wh.open_snapshot(warehouse)
    try:
        with db.page_run():
            first = db.current_snapshot()
            assert db.fetch("SELECT count(*) AS n FROM ingest_files")["n"].tolist() == [9]
        write_record(corpus / "d_2024.txt", make_record(name="新单位", uscc="12330500MB0000000X"))
        materialize(warehouse, [corpus])
        with db.page_run():
            second = db.current_snapshot()
            assert second.version == "2" and second.path != first.path
            assert db.fetch("SELECT count(*) AS n FROM ingest_files")["n"].tolist() == [10]
    finally:
        held.close()


def test_publish_cleans_up_after_killed_publishes_and_old_versions(published: tuple[Path, Path]) -> None:
    warehouse, corpus = published
    folder = wh.snapshot_path(warehouse).parent
    leftovers = [
        folder / ".warehouse.snapshot.v2.abc.duckdb.tmp-999999",
        folder / ".warehouse.snapshot.json.tmp-1",
    ]
    for leftover in leftovers:
        leftover.write_bytes(b"half a copy")
    versions = []
    for n in range(3):
        write_record(corpus / f"more_{n}.txt", make_record(name=f"单位{n}", uscc=f"12330500MB000000{n}X"))
        materialize(warehouse, [corpus])
        versions.append(wh.snapshot_info(warehouse)["file"])
    assert not any(path.exists() for path in leftovers)
    on_disk = sorted(p.name for p in folder.glob("warehouse.snapshot.v*.duckdb"))
    assert on_disk == sorted(versions[-2:]), "the current and the previous version only"
    assert wh.snapshot_path(warehouse).resolve().name == versions[-1]
    assert json.loads(wh.snapshot_info_path(warehouse).read_text())["file"] == versions[-1]


def test_a_warehouse_in_duckdb_2_format_is_converted_once(tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    con = duckdb.connect(str(warehouse))  # DuckDB 2's default storage format, as before this change
    loader.apply_schema(con)
    con.close()
    with loader.open_writer(warehouse) as con:
        tags = con.execute("SELECT tags FROM duckdb_databases() WHERE database_name = current_database()")
        assert tags.fetchall()[0][0]["storage_version"].startswith(wh.SNAPSHOT_STORAGE_VERSION)
        assert con.execute(
            "SELECT count(*) FROM duckdb_views() WHERE view_name = 'schema_docs'"
        ).fetchall() == [(1,)]


def test_threads_opening_a_new_snapshot_at_once_all_succeed(published: tuple[Path, Path]) -> None:
    """Dashboard sessions are threads: the first opens of a new version race to harden its instance."""
    import threading

    warehouse, _ = published
    info = wh.snapshot_info(warehouse)
    start, errors, held = threading.Barrier(8), [], []

    def open_one() -> None:
        start.wait()
        try:
            held.append(wh.open_snapshot(warehouse, snapshot=info["snapshot"]))
        except Exception as exc:
            errors.append(repr(exc))

    for _ in range(5):  # a fresh instance each round: all connections are closed in between
        threads = [threading.Thread(target=open_one) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        while held:
            held.pop().close()
    assert not errors, errors[:3]

"""`nianbao ingest --dask`: a real `dask scheduler` and two `dask worker` processes on localhost parse a
generated corpus (txt, html, docx); the warehouse equals a local ingest of the same files, table by table,
also when one worker is killed mid-run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from subprocess import DEVNULL

import duckdb
import psutil
import pytest
from distributed import Client

from dagster_project.defs.warehouse.parse import ChunkFailed
from dagster_project.defs.warehouse.parse_dask import check_workers

ROOT = Path(__file__).parents[1]
NIANBAO = [sys.executable, "-m", "nianbao.cli"]
DASK = [sys.executable, "-m", "dask"]
CHUNK_SIZE = "40"  # ~20 chunks: both workers get several, and a kill lands while chunks are left
# Differ between two ingests of the same files: when they ran, and where the warehouse lives.
VOLATILE = {"run_id", "first_seen_at", "outcome_at", "loaded_at", "checked_at", "started_at", "finished_at"}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """About 900 generated reports in three formats, with the generator's defects (quarantined, duplicate
    and superseded files)."""
    out = tmp_path_factory.mktemp("dask") / "generated"
    subprocess.run(
        [*NIANBAO, "generate", str(out), "--institutions", "160", "--years", "2019-2024", "--seed", "15",
         "--formats", "txt,html,docx", "--format-weights", "txt=4,html=3,docx=1", "--defects", "0.03",
         "--quiet"],
        check=True, cwd=ROOT, timeout=300,
    )  # fmt: skip
    return out / "reports"


@pytest.fixture(scope="module")
def local_warehouse(corpus: Path) -> Path:
    warehouse = corpus.parent.parent / "local" / "warehouse.duckdb"
    ingest(warehouse, corpus)
    return warehouse


def ingest(warehouse: Path, corpus: Path, *options: str) -> str:
    done = subprocess.run(
        [*NIANBAO, "ingest", "--quiet", "--chunk-size", CHUNK_SIZE, "--warehouse", str(warehouse), *options,
         str(corpus)],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


@dataclass
class Cluster:
    address: str
    workers: dict[str, subprocess.Popen]  # name -> process
    client: Client  # the test's own view of the scheduler


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[Cluster]:
    """`dask scheduler` on a free port and two single-threaded `dask worker` processes: w1 as deployed (with
    its nanny, non-daemonic so it may start parse processes), w2 without a nanny (killed, it stays dead)."""
    scheduler_file = str(tmp_path / "scheduler.json")
    processes: list[subprocess.Popen] = []

    def start(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen:
        # tests/ on the path: the workers import test extractors (test_parse_retry.dying_extract) by name.
        environment = {**os.environ, "PYTHONPATH": str(ROOT / "tests"), **(env or {})}
        processes.append(
            subprocess.Popen([*DASK, *args], cwd=ROOT, env=environment, stdout=DEVNULL, stderr=DEVNULL)
        )
        return processes[-1]

    try:
        start(
            "scheduler",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--no-dashboard",
            "--scheduler-file",
            scheduler_file,
        )
        worker = ("worker", "--scheduler-file", scheduler_file, "--nthreads", "1", "--no-dashboard",
                  "--host", "127.0.0.1", "--death-timeout", "120")  # fmt: skip
        workers = {
            "w1": start(*worker, "--name", "w1", env={"DASK_DISTRIBUTED__WORKER__DAEMON": "False"}),
            "w2": start(*worker, "--name", "w2", "--no-nanny"),
        }
        # Client(scheduler_file=) waits for the file to appear, then for the workers to join.
        with Client(scheduler_file=scheduler_file, timeout=120, set_as_default=False) as client:
            client.wait_for_workers(2, timeout=120)
            yield Cluster(client.scheduler.address, workers, client)
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def fingerprint(warehouse: Path) -> dict[str, tuple[int, str]]:
    """(rows, md5 of the sorted rows) of every core table, without the columns that say when a run happened;
    quarantined copies compared by file name (each warehouse keeps its own quarantine folder)."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        tables = [t for (t,) in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'core' ORDER BY 1"
        ).fetchall()]  # fmt: skip
        result = {}
        for table in tables:
            columns = [
                "regexp_replace(copy_path, '.*/', '')" if c == "copy_path" else f'"{c}"'
                for (c,) in con.execute(
                    "SELECT column_name FROM information_schema.columns WHERE table_schema = 'core' "
                    "AND table_name = ? ORDER BY ordinal_position",
                    [table],
                ).fetchall()
                if c not in VOLATILE
            ]
            result[table] = con.execute(
                f"SELECT count(*), md5(coalesce(string_agg(r::VARCHAR, chr(10) ORDER BY r::VARCHAR), '')) "
                f"FROM (SELECT {', '.join(columns)} FROM core.{table}) r"
            ).fetchall()[0]
        return result
    finally:
        con.close()


def summary(warehouse: Path) -> dict:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return {
            "outcomes": con.execute(
                "SELECT outcome, count(*) FROM core.ingest_files GROUP BY ALL ORDER BY ALL"
            ).fetchall(),
            "net_assets": con.execute(
                "SELECT report_year, sum(net_assets_begin_wan), sum(net_assets_end_wan) FROM core.finances "
                "WHERE report_status = 'current' GROUP BY ALL ORDER BY ALL"
            ).fetchall(),
            "activities": con.execute("SELECT count(*) FROM core.exchange_activities").fetchall()[0][0],
        }
    finally:
        con.close()


def test_local_corpus_is_big_and_varied(local_warehouse: Path) -> None:
    facts = summary(local_warehouse)
    outcomes = dict(facts["outcomes"])
    assert sum(outcomes.values()) >= 850 and outcomes["loaded"] >= 800
    assert {"quarantined", "duplicate", "superseded"} <= set(outcomes)
    assert facts["activities"] > 500 and len(facts["net_assets"]) == 6
    formats = (
        duckdb.connect(str(local_warehouse), read_only=True)
        .execute("SELECT DISTINCT format FROM core.reports ORDER BY 1")
        .fetchall()
    )
    assert [f for (f,) in formats] == ["docx", "html", "txt"]


def test_dask_ingest_equals_local_ingest(corpus: Path, local_warehouse: Path, cluster: Cluster) -> None:
    warehouse = corpus.parent.parent / "dask" / "warehouse.duckdb"
    out = ingest(warehouse, corpus, "--dask", cluster.address)
    assert "parsed on 2 Dask workers" in out  # both workers parsed chunks
    assert summary(warehouse) == summary(local_warehouse)
    assert fingerprint(warehouse) == fingerprint(local_warehouse)
    # Workers that cannot see the files (no shared filesystem) stop the run before any chunk is parsed.
    blind = r"tcp://\S+: cannot see /nowhere/r\.txt; tcp://\S+: cannot see /nowhere/r\.txt"
    with pytest.raises(ChunkFailed, match=blind):
        check_workers(cluster.client, b"/nowhere/r.txt", str(warehouse.parent / "quarantine"))


def test_a_worker_killed_mid_run_gives_the_same_warehouse(
    corpus: Path, local_warehouse: Path, cluster: Cluster, tmp_path: Path
) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    run = subprocess.Popen(
        [*NIANBAO, "ingest", "--quiet", "--chunk-size", CHUNK_SIZE, "--warehouse", str(warehouse), "--dask",
         cluster.address, str(corpus)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    victim = cluster.workers["w2"]
    address = next(a for a, w in cluster.client.scheduler_info()["workers"].items() if w["name"] == "w2")
    # Wait on the scheduler's and the victim's state: it is parsing a chunk in its parse process, so killing
    # it loses that chunk.
    deadline = time.monotonic() + 300
    while not (
        cluster.client.processing(workers=[address]).get(address)
        and (children := psutil.Process(victim.pid).children(recursive=True))
    ):
        assert run.poll() is None and time.monotonic() < deadline, "the run ended before w2 got a chunk"
        time.sleep(0.02)
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait()
    assert run.poll() is None  # killed mid-run
    out, err = run.communicate(timeout=600)
    assert run.returncode == 0, err
    assert summary(warehouse) == summary(local_warehouse)
    assert fingerprint(warehouse) == fingerprint(local_warehouse)
    _, alive = psutil.wait_procs(children, timeout=60)
    assert not alive, "the killed worker's parse processes outlived it"
    assert "w2" not in [w["name"] for w in cluster.client.scheduler_info()["workers"].values()]
    assert "Dask workers" in out


def test_a_parse_process_that_dies_on_a_worker_is_replaced_and_its_chunk_retried(
    cluster: Cluster, tmp_path: Path
) -> None:
    from test_dagster_pipeline import materialize, outcomes
    from test_parse_retry import DYING_EXTRACTOR, corpus

    reports = corpus(tmp_path / "corpus", "r10_die_once.txt")
    warehouse = tmp_path / "data" / "warehouse.duckdb"
    result = materialize(
        warehouse, [reports], extractor=DYING_EXTRACTOR, chunk_size=5, dask_scheduler=cluster.address
    )
    assert (tmp_path / "died" / "r10_die_once.txt").exists()  # a parse process did die
    assert set(outcomes(warehouse).values()) == {"loaded"} and len(outcomes(warehouse)) == 25
    parsed = result.asset_materializations_for_node("staging__parsed_records")[0].metadata
    assert sum(parsed["chunks_by_dask_worker"].value.values()) == 5
    # the Dask workers themselves survive (a nanny may still be restarting one: wait on the state)
    cluster.client.wait_for_workers(2, timeout=120)
    assert len(cluster.client.scheduler_info()["workers"]) == 2

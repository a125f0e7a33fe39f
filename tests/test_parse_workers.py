"""The local parse workers: chunks that shrink towards the end, a standby pool that `nianbao ingest` starts
before Dagster and the parse step takes over, workers that end with their parent, and pyarrow kept from
importing pandas where nothing needs it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import psutil
from test_warehouse_corpus import JSON_EXTRACTOR, make_record, write_record

from dagster_project.defs.warehouse import workers
from dagster_project.defs.warehouse.parse import MIN_CHUNK, chunk_bounds

ROOT = Path(__file__).parents[1]
TESTS = Path(__file__).parent


def test_chunks_cover_the_batch_and_shrink_towards_its_end() -> None:
    bounds = chunk_bounds(9_927, 500, 2)
    assert [start for start, _ in bounds] == [sum(n for _, n in bounds[:i]) for i in range(len(bounds))]
    sizes = [n for _, n in bounds]
    assert sum(sizes) == 9_927
    assert sizes[0] == 500 and max(sizes) == 500
    assert sizes == sorted(sizes, reverse=True)  # full chunks first, the small ones last
    assert all(n >= MIN_CHUNK for n in sizes[:-1]) and sizes[-2] == MIN_CHUNK


def test_up_to_a_chunk_of_files_is_one_chunk_and_small_chunk_sizes_are_kept() -> None:
    assert chunk_bounds(0, 500, 2) == []
    assert chunk_bounds(100, 500, 2) == [(0, 100)]
    assert chunk_bounds(25, 5, 2) == [(0, 5), (5, 5), (10, 5), (15, 5), (20, 5)]


def test_the_ingest_parses_in_the_standby_pool_it_started(tmp_path: Path, monkeypatch) -> None:
    from dagster_project.defs.warehouse import parse
    from nianbao.commands.ingest import run_ingest

    corpus = tmp_path / "corpus"
    for i in range(12):
        write_record(corpus / f"r{i:02d}.txt", make_record(name=f"单位{i}", uscc=None, uscc_valid=None))
    taken = []

    def take(n: int, extractor: str):
        pool = workers.take_standby_pool(n, extractor)
        taken.append(pool is not None)
        return pool

    monkeypatch.setattr(parse, "take_standby_pool", take)
    warehouse = tmp_path / "data" / "warehouse.duckdb"
    summary = run_ingest([corpus], warehouse, extractor=JSON_EXTRACTOR, workers=2)
    assert summary.loaded == 12
    assert taken == [True]  # its one chunk went to the pool started before Dagster
    assert not workers.has_standby_pool(2, JSON_EXTRACTOR)


def test_a_parse_worker_ends_when_the_process_that_started_it_is_killed(tmp_path: Path) -> None:
    code = (
        f"import sys; sys.path.insert(0, {str(TESTS)!r})\n"
        "import os, time\n"
        "from dagster_project.defs.warehouse.workers import new_pool\n"
        f"pool = new_pool(1, {JSON_EXTRACTOR!r})\n"
        "print(pool.submit(os.getpid).result(), flush=True)\n"
        "time.sleep(600)\n"
    )
    parent = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        worker = psutil.Process(int(parent.stdout.readline()))
    finally:
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait()
    gone, alive = psutil.wait_procs([worker], timeout=120)
    assert worker in gone and not alive


def test_pyarrow_builds_and_writes_tables_without_importing_pandas(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from dagster_project.defs.warehouse.workers import pyarrow_without_pandas\n"
        "pyarrow_without_pandas()\n"
        "import pyarrow as pa, pyarrow.parquet as pq\n"
        "from transforms.tables import TableBatch\n"
        "table = pa.Table.from_pylist([{'a': 1, 'b': 'x'}])\n"
        f"pq.write_table(table, {str(tmp_path / 't.parquet')!r})\n"
        "assert 'pandas' not in sys.modules, 'pandas was imported'\n"
        "assert table.to_pandas()['b'][0] == 'x'  # still there when asked for\n"
        "print('ok')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.stdout.strip() == "ok", done.stderr


def _pool_workers() -> list[psutil.Process]:
    found = []
    for child in psutil.Process().children():
        try:
            if "spawn_main" in " ".join(child.cmdline()):
                found.append(child)
        except psutil.Error:  # ended meanwhile
            continue
    return found


def test_a_standby_pool_nobody_takes_is_shut_down() -> None:
    workers.start_standby_pool(2, JSON_EXTRACTOR, warm=1)
    assert workers.has_standby_pool(2, JSON_EXTRACTOR)
    assert not workers.has_standby_pool(3, JSON_EXTRACTOR)  # other settings: not this pool
    workers.stop_standby_pool()
    assert not workers.has_standby_pool(2, JSON_EXTRACTOR)
    _gone, alive = psutil.wait_procs(_pool_workers(), timeout=120)
    assert not alive

"""A real `nianbao ingest` subprocess killed with SIGKILL mid-run leaves the published snapshot and the
warehouse as they were; the next run completes with the same result as an uninterrupted one."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
from test_warehouse_corpus import JSON_EXTRACTOR, build_corpus, make_record, write_record

from nianbao import warehouse as wh

ROOT = Path(__file__).parents[1]
INGEST = (
    "import sys; sys.path.insert(0, {tests!r})\n"
    "from nianbao.commands.ingest import run_ingest, _ProgressBar\n"
    "s = run_ingest(sys.argv[2:], sys.argv[1], extractor={extractor!r}, workers=1, progress=_ProgressBar())\n"
    "print('DONE', s.warehouse_version, flush=True)\n"
)


def ingest_process(warehouse: Path, paths: list[Path]) -> subprocess.Popen:
    code = INGEST.format(tests=str(ROOT / "tests"), extractor=JSON_EXTRACTOR)
    return subprocess.Popen(
        [sys.executable, "-c", code, str(warehouse), *map(str, paths)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def kill_when(process: subprocess.Popen, marker: str, delay: float) -> bool:
    """SIGKILL the process `delay` s after `marker` shows on its stderr; False if it finished first."""
    for line in process.stderr:
        if marker in line:
            time.sleep(delay)
            if process.poll() is None:
                os.kill(process.pid, signal.SIGKILL)
                process.wait()
                return True
    process.wait()
    return False


def state(warehouse: Path) -> tuple:
    info = wh.snapshot_info(warehouse)
    with wh.connect(warehouse) as con:
        published = con.execute(
            "SELECT outcome, count(*) FROM ingest_files GROUP BY ALL ORDER BY ALL"
        ).fetchall()
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        live = con.execute("SELECT coalesce(max(warehouse_version), 0) FROM core.ingest_runs").fetchall()[0][
            0
        ]
        live_files = con.execute("SELECT count(*) FROM core.ingest_files").fetchall()[0][0]
    finally:
        con.close()
    return info["version"], published, live, live_files


def test_sigkill_mid_run_leaves_previous_state(tmp_path: Path) -> None:
    first = build_corpus(tmp_path / "first")
    warehouse = tmp_path / "data" / "warehouse.duckdb"
    proc = ingest_process(warehouse, [first])
    _, err = proc.communicate(timeout=900)
    assert proc.returncode == 0, err
    before = state(warehouse)
    assert before[0] == 1

    second = tmp_path / "second"
    for i in range(200):
        uscc = "12330500676151570Y" if i == 0 else None
        write_record(second / f"r{i:05d}.txt", make_record(name=f"单位{i}", uscc=uscc, uscc_valid=bool(uscc)))

    rolled_back = 0
    # The first kill lands as parsing starts (before any commit, so it must roll back); the others later.
    for marker, delay in (("解析 parse", 0.0), ("解析 parse", 0.3), ("入库 load", 0.0)):
        proc = ingest_process(warehouse, [first, second])
        if kill_when(proc, marker, delay):
            now = state(warehouse)
            assert now[:2] == before[:2]  # readers still see the previous snapshot
            # the live file is all-or-nothing: as before, or the whole batch committed (publish pending)
            assert now[2:] in {before[2:], (2, 9 + 200)}
            rolled_back += now[2:] == before[2:]
    assert rolled_back >= 1

    proc = ingest_process(warehouse, [first, second])
    _, err = proc.communicate(timeout=900)
    assert proc.returncode == 0, err
    after = state(warehouse)
    assert after[0] == 2 and after[2] == 2 and after[3] == 9 + 200

    # the same as an uninterrupted run on a fresh warehouse
    fresh = tmp_path / "fresh" / "warehouse.duckdb"
    proc = ingest_process(fresh, [first])
    proc.communicate(timeout=900)
    proc = ingest_process(fresh, [first, second])
    proc.communicate(timeout=900)
    assert state(fresh)[1] == after[1]

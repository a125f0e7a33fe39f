"""The attack run behind RELIABILITY.md's figures: more of everything than the test suite can afford.

    python tests/nasty/attack_run.py /tmp/attack [--kills 12] [--seed 7]

1. Corpus: a generated corpus with every defect type, the nasty corpus (files ≤ 300 KB), and faults made
   here: files without read permission, a folder that cannot be listed, files that are not reports, a FIFO.
   The ingest runs without the capabilities that let root read any file.
2. kill -9 at seeded random times during an ingest, each from the same prefilled copy; after every kill the
   published snapshot must open and be a complete version; then one run must give the uninterrupted result.
3. Readers during publishes: threads query the snapshot while ingests publish new versions; a read is torn
   or stale when its file's row count differs from the count its version's pointer recorded.
4. SQL: the security test's attacks plus resource attacks through `run_query`; an escape is a statement that
   ran and wrote, read outside, or exceeded a limit.

Prints one JSON object of figures. Not part of the test suite (it takes minutes); the suite has each
promise's test.
"""

from __future__ import annotations

import argparse
import csv
import ctypes
import importlib.util
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NIANBAO = Path(sys.executable).parent / "nianbao"
sys.path.insert(0, str(ROOT / "tests"))

from nianbao import warehouse as wh  # noqa: E402


def _module(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def drop_file_capabilities() -> None:
    if os.geteuid() == 0:
        libc = ctypes.CDLL(None)
        for capability in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
            libc.prctl(24, capability, 0, 0, 0)


def ingest(warehouse: Path, *paths: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(NIANBAO), "ingest", "--quiet", "--warehouse", str(warehouse), *map(str, paths)],
        cwd=ROOT, capture_output=True, text=True, timeout=900, preexec_fn=drop_file_capabilities,
    )  # fmt: skip


def query(warehouse: Path, sql: str) -> list[tuple]:
    with wh.connect(warehouse) as con:
        return con.execute(sql).fetchall()


def count(warehouse: Path, sql: str) -> int:
    return query(warehouse, sql)[0][0]


def build_corpus(root: Path, seed: int) -> tuple[Path, dict]:
    inbox = root / "inbox"
    generated = root / "generated"
    subprocess.run(
        [str(NIANBAO), "generate", str(generated), "--institutions", "40", "--years", "2019-2024",
         "--seed", str(seed), "--defects", "0.3", "--quiet"],
        check=True, cwd=ROOT, capture_output=True, timeout=900,
    )  # fmt: skip
    shutil.copytree(generated / "reports", inbox / "reports")
    nasty = _module("attack_make_nasty", ROOT / "tests" / "nasty" / "make_nasty.py")
    for path, _ in nasty.make_all(root / "nasty_all"):
        if path.stat().st_size <= 300_000:
            (inbox / "nasty").mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, inbox / "nasty" / path.name)
    faults = inbox / "faults"
    faults.mkdir()
    sample = (ROOT / "data" / "samples" / "000_b1d8bfba56152971.txt").read_bytes()
    for n in range(3):
        locked = faults / f"locked_{n}.txt"
        locked.write_bytes(sample + b"\n" * (n + 1))
        locked.chmod(0)
    (faults / "closed").mkdir()
    (faults / "closed" / "inside.txt").write_bytes(sample + b"\n" * 9)
    (faults / "closed").chmod(0)
    for name in ("staff.xlsx", "list.csv", "data.json", "seal.png", "scan.jpg", "bundle.zip"):
        (faults / name).write_bytes(b"not a report " + name.encode())
    os.mkfifo(faults / "pipe.txt")  # never listed as a regular file: must not hang discovery
    with (generated / "manifest.csv").open(encoding="utf-8") as handle:
        manifest = list(csv.DictReader(handle))
    files = sum(1 for p in inbox.rglob("*") if p.is_file() or p.is_fifo())
    return inbox, {"files_tried": files, "folders_unlisted": 1, "generated_reports": len(manifest)}


def kills(root: Path, inbox: Path, n: int, rng: random.Random) -> dict:
    baseline = root / "baseline" / "warehouse.duckdb"
    started = time.monotonic()
    assert ingest(baseline, inbox).returncode == 0
    full = time.monotonic() - started
    expected = count(baseline, "SELECT count(*) FROM ingest_files")
    prefilled = root / "prefilled"
    first_report = inbox / "reports" / sorted(os.listdir(inbox / "reports"))[0]
    assert ingest(prefilled / "warehouse.duckdb", first_report).returncode == 0
    landed = complete = lost = 0
    for attempt in range(n):
        folder = root / f"killed{attempt}"
        shutil.copytree(prefilled, folder, symlinks=True)
        warehouse = folder / "warehouse.duckdb"
        process = subprocess.Popen(
            [str(NIANBAO), "ingest", "--quiet", "--warehouse", str(warehouse), str(inbox)],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, preexec_fn=drop_file_capabilities,
        )  # fmt: skip
        time.sleep(rng.uniform(0.05, 1.0) * full)
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
            landed += 1
        process.wait()
        seen = count(warehouse, "SELECT count(*) FROM ingest_files")
        complete += seen in (1, expected)
        final = ingest(warehouse, inbox)
        assert final.returncode == 0, final.stderr[-2000:]
        lost += expected - count(warehouse, "SELECT count(*) FROM ingest_files")
        reports, kept = query(warehouse, "SELECT (SELECT count(*) FROM reports), count(*) FILTER "
                              "(outcome IN ('loaded', 'superseded')) FROM ingest_files")[0]  # fmt: skip
        lost += abs(reports - kept)
        shutil.rmtree(folder)
    return {"kills": n, "kills_mid_run": landed, "snapshots_complete_after_kill": complete,
            "baseline_seconds": round(full, 1), "rows_lost": lost, "files_rows": expected}  # fmt: skip


def readers_during_publishes(root: Path, inbox: Path, rounds: int) -> dict:
    warehouse = root / "readers" / "warehouse.duckdb"
    reports = sorted((inbox / "reports").iterdir())
    batches = [reports[i::rounds] for i in range(rounds)]
    stage = root / "readers_inbox"
    stage.mkdir()
    shutil.copy2(batches[0][0], stage / batches[0][0].name)
    assert ingest(warehouse, stage).returncode == 0
    done = threading.Event()
    stats = {"queries": 0, "errors": 0, "torn_or_stale": 0}

    def reader() -> None:
        held = wh.open_snapshot(warehouse)
        while not done.is_set():
            try:
                info = wh.snapshot_info(warehouse)
                with wh.connect(warehouse, snapshot=info["snapshot"]) as con:
                    n = con.execute("SELECT count(*) FROM ingest_files").fetchall()[0][0]
                stats["torn_or_stale"] += n != info["counts"]["files"]
                held.execute("SELECT count(*) FROM reports").fetchall()
                stats["queries"] += 2
            except Exception:
                stats["errors"] += 1

    threads = [threading.Thread(target=reader) for _ in range(2)]
    for thread in threads:
        thread.start()
    try:
        for batch in batches:
            for path in batch:
                shutil.copy2(path, stage / path.name)
            assert ingest(warehouse, stage).returncode == 0
    finally:
        done.set()
        for thread in threads:
            thread.join()
    return {**stats, "publishes": rounds, "versions": wh.snapshot_info(warehouse)["version"]}


def sql_attacks(root: Path) -> dict:
    import duckdb

    security = _module("attack_security", ROOT / "tests" / "test_security.py")
    warehouse = root / "readers" / "warehouse.duckdb"
    resource_attacks = [
        "SELECT length(repeat('x', 2000000000))", "SELECT repeat('x', 1000000) FROM range(3000)",
        "SELECT repeat('x', 100000) FROM range(100000)", "SELECT count(*) FROM range(10000000000)",
        "SELECT * FROM range(100000000)", "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) "
        "SELECT count(*) FROM r", "SELECT string_agg(repeat('y', 1000), '') FROM range(10000000)",
        "SELECT list(range) FROM range(500000000)", "SELECT * FROM reports a, reports b, reports c",
        "EXPLAIN ANALYZE SELECT count(*) FROM range(100000000000)",
    ]  # fmt: skip
    explain = [f"EXPLAIN ANALYZE {sql}" for sql in security.ATTACKS if not sql.upper().startswith("EXPLAIN")]
    attacks = [*security.ATTACKS, *explain, *resource_attacks]
    before = {p.name: p.stat().st_mtime_ns for p in wh.snapshot_path(warehouse).parent.iterdir()}
    escapes, slowest = [], 0.0
    for sql in attacks:
        started = time.monotonic()
        try:
            result = wh.run_query(sql, warehouse, timeout_s=5)
        except (wh.UnsafeQuery, wh.QueryTimeout, duckdb.Error):
            result = None
        elapsed = time.monotonic() - started
        slowest = max(slowest, elapsed)
        over = result is not None and (
            result.table.nbytes > wh.DEFAULT_MAX_BYTES or result.table.num_rows > wh.DEFAULT_MAX_ROWS
        )
        leaked = result is not None and sql in security.ATTACKS and any(v for row in result.rows for v in row)
        if over or leaked or elapsed > 5 + wh.KILL_GRACE_S + 10:
            escapes.append(sql)
    after = {p.name: p.stat().st_mtime_ns for p in wh.snapshot_path(warehouse).parent.iterdir()}
    if after != before:
        escapes.append("the published folder changed")
    return {"sql_tried": len(attacks), "sql_escapes": escapes, "slowest_refusal_s": round(slowest, 1)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("--kills", type=int, default=12)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    shutil.rmtree(args.out, ignore_errors=True)
    args.out.mkdir(parents=True)
    rng = random.Random(args.seed)
    inbox, corpus = build_corpus(args.out, args.seed)
    figures = {"corpus": corpus}
    first = ingest(args.out / "accounting" / "warehouse.duckdb", inbox)
    warehouse = args.out / "accounting" / "warehouse.duckdb"
    rows = count(warehouse, "SELECT count(*) FROM ingest_files")
    by_outcome = dict(query(warehouse, "SELECT outcome, count(*) FROM ingest_files GROUP BY 1"))
    warnings = [line for line in first.stderr.splitlines() if "warning" in line]
    figures["accounting"] = {
        "exit": first.returncode,
        "rows": rows,
        "outcomes": by_outcome,
        "warnings": warnings,
    }
    print(json.dumps(figures, ensure_ascii=False), flush=True)
    for name, phase in (
        ("kill", lambda: kills(args.out, inbox, args.kills, rng)),
        ("readers", lambda: readers_during_publishes(args.out, inbox, args.rounds)),
        ("sql", lambda: sql_attacks(args.out)),
    ):
        figures[name] = phase()
        print(json.dumps({name: figures[name]}, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()

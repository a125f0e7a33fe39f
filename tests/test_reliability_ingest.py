"""Ingestion keeps its promises under bad input and faults, tested through the real `nianbao ingest`
command in subprocesses:

- accounting: every file seen is in `ingest_files` exactly once with one outcome, and seen = loaded +
  duplicate + superseded + quarantined, on a generated corpus with every defect type mixed with the nasty
  corpus; the generated reports get the outcomes their manifest expects (the nasty files do not disturb
  the rest of the batch); no row lost (reports = loaded + superseded);
- a reader holding the published snapshot open during ingestion sees one consistent version throughout;
- kill -9 at random points: the published snapshot is always a complete one, the next run completes and
  the final tables equal those of an uninterrupted run;
- disk full (a real tmpfs) and an unwritable warehouse path: a clear error, the previous snapshot intact;
- a file removed before it is read, or modified while the ingest runs: accounted for.
"""

from __future__ import annotations

import csv
import importlib.util
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from nianbao import warehouse as wh

ROOT = Path(__file__).resolve().parents[1]
NASTY = ROOT / "tests" / "nasty"
NIANBAO = Path(sys.executable).parent / "nianbao"
OUTCOMES = ("loaded", "duplicate", "superseded", "quarantined")
SUMMARY = re.compile(
    r"files seen (\d+) \(already ingested (\d+), new (\d+)\): loaded (\d+) / duplicate (\d+) / "
    r"superseded (\d+) / quarantined (\d+)"
)
# Nasty files above this size are left to tests/test_reliability_parse.py (they only cost time here).
NASTY_MAX_BYTES = 300_000


def _make_nasty():
    spec = importlib.util.spec_from_file_location("nianbao_nasty_make_nasty_ingest", NASTY / "make_nasty.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def ingest(warehouse: Path, *paths: Path, timeout: float = 900, preexec=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(NIANBAO), "ingest", "--quiet", "--warehouse", str(warehouse), *map(str, paths)],
        cwd=ROOT, capture_output=True, text=True, timeout=timeout, preexec_fn=preexec,
    )  # fmt: skip


def summary(result: subprocess.CompletedProcess) -> dict[str, int]:
    match = SUMMARY.search(result.stdout)
    assert match, f"no summary (exit {result.returncode}):\n{result.stdout}\n{result.stderr[-3000:]}"
    keys = ("seen", "unchanged", "new", *OUTCOMES)
    return dict(zip(keys, map(int, match.groups()), strict=True))


def query(warehouse: Path, sql: str) -> list[tuple]:
    with wh.connect(warehouse) as con:
        return con.execute(sql).fetchall()


DUMPED = ("ingest_files", "quarantine", "reports", "finances", "institutions", "exchange_activities")
VOLATILE = {"run_id", "copy_path"}


def dump(warehouse: Path) -> dict[str, list[tuple]]:
    """The published tables without run-specific columns (timestamps, run ids, copy locations)."""
    out = {}
    with wh.connect(warehouse) as con:
        for table in DUMPED:
            columns = [
                f'"{name}"'
                for name, kind in con.execute(
                    "SELECT column_name, data_type FROM duckdb_columns() "
                    "WHERE schema_name = 'main' AND table_name = ? ORDER BY column_index",
                    [table],
                ).fetchall()
                if "TIMESTAMP" not in kind and name not in VOLATILE and not name.endswith("_at")
            ]
            out[table] = con.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY ALL").fetchall()
    return out


def files_under(folder: Path) -> set[str]:
    return {os.fsdecode(p) for p in folder.rglob("*") if p.is_file() and not p.is_symlink()}


# ---- a generated corpus with every defect type, plus the nasty corpus --------------------------------
@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("corpus")
    generated = root / "generated"
    subprocess.run(
        [str(NIANBAO), "generate", str(generated), "--institutions", "30", "--years", "2019-2024",
         "--seed", "3", "--defects", "0.3", "--quiet"],
        check=True, cwd=ROOT, capture_output=True, timeout=900,
    )  # fmt: skip
    with (generated / "manifest.csv").open(encoding="utf-8") as handle:
        manifest = list(csv.DictReader(handle))
    nasty_dir = root / "nasty_all"
    nasty = [
        (path, expect)
        for path, expect in _make_nasty().make_all(nasty_dir)
        if path.stat().st_size <= NASTY_MAX_BYTES
    ]
    return {"root": root, "generated": generated, "manifest": manifest, "nasty": nasty}


@pytest.fixture(scope="module")
def accounted(corpus: dict, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Two ingests into one warehouse: (1) the nasty files and the reports of 2019-2021; (2) everything,
    while a reader holds the published snapshot open and queries it in a loop."""
    root = tmp_path_factory.mktemp("accounting")
    inbox, warehouse = root / "inbox", root / "data" / "warehouse.duckdb"
    (inbox / "nasty").mkdir(parents=True)
    for path, _ in corpus["nasty"]:
        shutil.copy2(path, inbox / "nasty" / path.name)
    first_years = ("2019", "2020", "2021")
    reports = sorted((corpus["generated"] / "reports").iterdir())
    (inbox / "reports").mkdir()
    for path in reports:
        if path.name.startswith(first_years):
            shutil.copy2(path, inbox / "reports" / path.name)
    first = ingest(warehouse, inbox)
    first_summary = summary(first)
    before = query(warehouse, "SELECT count(*) FROM ingest_files")[0][0]

    for path in reports:
        if not path.name.startswith(first_years):
            shutil.copy2(path, inbox / "reports" / path.name)
    observed: list[int] = []
    errors: list[str] = []
    done = threading.Event()

    def reader() -> None:
        held = wh.open_snapshot(warehouse)  # held open for the whole second run
        try:
            while not done.is_set():
                try:
                    observed.append(held.execute("SELECT count(*) FROM ingest_files").fetchall()[0][0])
                    observed.append(query(warehouse, "SELECT count(*) FROM ingest_files")[0][0])
                except Exception as exc:
                    errors.append(repr(exc))
                time.sleep(0.05)
            observed.append(held.execute("SELECT count(*) FROM ingest_files").fetchall()[0][0])
        finally:
            held.close()

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        second = ingest(warehouse, inbox)
    finally:
        done.set()
        thread.join()
    return {
        "inbox": inbox,
        "warehouse": warehouse,
        "first": first_summary,
        "second": summary(second),
        "before": before,
        "observed": observed,
        "reader_errors": errors,
        "stderr": second.stderr,
    }


def test_every_file_has_exactly_one_outcome_and_counts_reconcile(accounted: dict, corpus: dict) -> None:
    warehouse, inbox = accounted["warehouse"], accounted["inbox"]
    on_disk = files_under(inbox)
    rows = query(warehouse, "SELECT path, sha256, outcome, reason FROM ingest_files")
    paths = [row[0] for row in rows]
    assert sorted(paths) == sorted(on_disk), "each file exactly once, no file missing, none invented"
    assert {row[2] for row in rows} <= set(OUTCOMES)

    first, second = accounted["first"], accounted["second"]
    for run in (first, second):
        assert run["new"] == sum(run[o] for o in OUTCOMES)
        assert run["seen"] == run["unchanged"] + run["new"]
    assert second["seen"] == len(on_disk) and second["unchanged"] == first["seen"]
    counts = dict(query(warehouse, "SELECT outcome, count(*) FROM ingest_files GROUP BY ALL"))
    # superseded can move an earlier run's loaded report to superseded: compare totals, not per outcome
    assert sum(counts.values()) == first["new"] + second["new"] == len(on_disk)
    quarantined = {row[0] for row in rows if row[2] == "quarantined"}
    assert all(row[3] for row in rows if row[2] in ("quarantined", "duplicate", "superseded")), (
        "a reason each"
    )
    assert {r[0] for r in query(warehouse, "SELECT path FROM quarantine")} == quarantined
    # rows lost: 0 — every loaded or superseded file is a report row, and the other way round
    (reports,) = query(warehouse, "SELECT count(*) FROM reports")[0]
    assert reports == counts.get("loaded", 0) + counts.get("superseded", 0)
    # the parser never crashed inside the pipeline: no quarantine reason is an extraction error
    assert not query(warehouse, "SELECT path FROM ingest_files WHERE reason = 'extract_error'")


def test_nasty_files_do_not_disturb_the_rest_of_the_batch(accounted: dict, corpus: dict) -> None:
    """The generated reports get exactly the outcome the generator's manifest expects."""
    inbox = accounted["inbox"]
    got = dict(query(accounted["warehouse"], "SELECT path, outcome FROM ingest_files"))
    mismatches = {
        row["file"]: (row["expected_outcome"], got.get(str(inbox / row["file"])))
        for row in corpus["manifest"]
        if got.get(str(inbox / row["file"])) != row["expected_outcome"]
    }
    assert not mismatches


def test_nasty_files_are_quarantined_with_a_reason_a_person_understands(accounted: dict) -> None:
    rows = query(
        accounted["warehouse"],
        "SELECT q.path, q.reason, q.detail FROM quarantine q WHERE q.path LIKE '%/nasty/%'",
    )
    assert len(rows) > 50
    for path, reason, detail in rows:
        assert reason and (detail or reason), path
        assert "Traceback" not in (detail or ""), path


def test_a_reader_holding_the_snapshot_sees_one_consistent_version(accounted: dict) -> None:
    assert not accounted["reader_errors"]
    before = accounted["before"]
    after = query(accounted["warehouse"], "SELECT count(*) FROM ingest_files")[0][0]
    assert after > before
    assert set(accounted["observed"]) <= {before, after}, "never a half-loaded state"
    assert accounted["observed"][-1] == before, "the held connection keeps its version to the end"


# ---- kill -9 at random points -------------------------------------------------------------------------
KILLS = 3


def test_kill_9_at_random_points(corpus: dict, tmp_path: Path) -> None:
    """Each kill starts from the same complete state (a copy), so every run has the same work to do and the
    random kill points spread over the whole run: start-up, discovery, parsing, load, publish."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    reports = sorted((corpus["generated"] / "reports").iterdir())[:30]
    nasty = [path for path, _ in corpus["nasty"]][:: max(1, len(corpus["nasty"]) // 8)]
    for path in (*reports, *nasty):
        shutil.copy2(path, inbox / path.name)

    baseline = tmp_path / "baseline" / "warehouse.duckdb"
    started = time.monotonic()
    summary(ingest(baseline, inbox))
    full_run = time.monotonic() - started
    expected = dump(baseline)

    prefilled = tmp_path / "prefilled"
    summary(ingest(prefilled / "warehouse.duckdb", *[inbox / p.name for p in reports[:10]]))
    previous = dump(prefilled / "warehouse.duckdb")
    assert previous != expected

    rng = random.Random(20240506)
    killed_mid_run = attempts = 0
    aim = 1.0  # scales the kill time down when a run ends before it (the machine got quieter)
    while killed_mid_run < KILLS and attempts < 3 * KILLS:
        folder = tmp_path / f"killed{attempts}"
        attempts += 1
        shutil.copytree(prefilled, folder)
        warehouse = folder / "warehouse.duckdb"
        process = subprocess.Popen(
            [str(NIANBAO), "ingest", "--quiet", "--warehouse", str(warehouse), str(inbox)],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        time.sleep(rng.uniform(0.2, 0.9) * full_run * aim)
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
            killed_mid_run += 1
        else:
            aim /= 2
        process.wait()
        state = dump(warehouse)
        assert state in (previous, expected), "the published snapshot is always a complete one"
    assert killed_mid_run == KILLS, "the kills must land while the ingest runs"
    final = ingest(warehouse, inbox)
    assert final.returncode == 0, final.stderr[-2000:]
    assert dump(warehouse) == expected, "after kills, the next run gives what an uninterrupted run gives"


# ---- disk full, unwritable warehouse ------------------------------------------------------------------
def test_disk_full_gives_a_clear_error_and_keeps_the_previous_snapshot(corpus: dict, tmp_path: Path) -> None:
    mount = tmp_path / "small_disk"
    mount.mkdir()
    mounted = subprocess.run(
        # room for the live warehouse of 60 reports (~20 MB), the previous snapshot and the new copy
        ["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(mount)],
        capture_output=True,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode()[:200]}")
    try:
        reports = sorted((corpus["generated"] / "reports").iterdir())
        inbox = tmp_path / "inbox"
        inbox.mkdir()
        for path in reports[:20]:
            shutil.copy2(path, inbox / path.name)
        warehouse = mount / "data" / "warehouse.duckdb"
        assert ingest(warehouse, inbox).returncode == 0
        before, info = dump(warehouse), wh.snapshot_info(warehouse)

        for path in reports[20:60]:
            shutil.copy2(path, inbox / path.name)
        free = shutil.disk_usage(mount).free
        (mount / "filler").write_bytes(b"\0" * max(0, free - 256 * 1024))  # leave 256 KB
        result = ingest(warehouse, inbox)
        assert result.returncode != 0
        assert "No space left on device" in result.stderr
        assert "Traceback" not in result.stderr + result.stdout
        assert dump(warehouse) == before and wh.snapshot_info(warehouse)["version"] == info["version"]

        (mount / "filler").unlink()
        again = ingest(warehouse, inbox)
        assert again.returncode == 0, again.stderr[-2000:]
        assert summary(again)["seen"] == 60
        assert query(warehouse, "SELECT count(*) FROM ingest_files")[0][0] == 60
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def test_unwritable_warehouse_path_is_a_clear_error(corpus: dict, tmp_path: Path) -> None:
    blocker = tmp_path / "not_a_folder"
    blocker.write_text("a file where the warehouse folder should be")
    report = sorted((corpus["generated"] / "reports").iterdir())[0]
    result = ingest(blocker / "warehouse.duckdb", report)
    assert result.returncode == 2
    assert "not_a_folder" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert len(result.stderr.strip().splitlines()) <= 3


def test_an_oversized_file_is_quarantined_without_being_read_whole(corpus: dict, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    report = sorted((corpus["generated"] / "reports").iterdir())[0]
    shutil.copy2(report, inbox / report.name)
    with open(inbox / "huge.txt", "wb") as handle:  # sparse: 25 MB on paper, nothing on disk
        handle.truncate(25 * 2**20)
    warehouse = tmp_path / "data" / "warehouse.duckdb"
    assert ingest(warehouse, inbox).returncode == 0
    [(outcome, detail)] = query(
        warehouse,
        "SELECT outcome, detail FROM ingest_files WHERE path LIKE '%huge.txt'",
    )
    assert outcome == "quarantined" and "file too large" in detail


# ---- files that change under the ingest ---------------------------------------------------------------
MEDDLE = (
    "import sys; sys.path.insert(0, {nasty!r})\n"
    "from nianbao.commands.ingest import run_ingest\n"
    "s = run_ingest([sys.argv[2]], sys.argv[1], extractor='ingest_hooks:meddling_extract', workers=1)\n"
    "print('SEEN', s.files_seen, s.loaded, s.duplicate, s.superseded, s.quarantined, flush=True)\n"
)


def test_files_removed_or_modified_during_ingest_are_accounted_for(corpus: dict, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    sources = [p for p in sorted((corpus["generated"] / "reports").iterdir()) if p.suffix == ".txt"][:3]
    names = ["a_trigger.txt", "b_removed.txt", "c_modified.txt"]
    for source, name in zip(sources, names, strict=True):
        shutil.copy2(source, inbox / name)
    warehouse = tmp_path / "data" / "warehouse.duckdb"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(NASTY), str(ROOT)]),
        "NIANBAO_MEDDLE_TRIGGER": "a_trigger.txt",
        "NIANBAO_MEDDLE_REMOVE": str(inbox / "b_removed.txt"),
        "NIANBAO_MEDDLE_MODIFY": str(inbox / "c_modified.txt"),
    }
    code = MEDDLE.format(nasty=str(NASTY))
    run = subprocess.run(
        [sys.executable, "-c", code, str(warehouse), str(inbox)], cwd=ROOT, env=env, capture_output=True,
        text=True, timeout=900,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]
    rows = {
        Path(r[0]).name: r[1:]
        for r in query(warehouse, "SELECT path, outcome, reason, sha256 FROM ingest_files")
    }
    assert set(rows) == set(names), rows
    assert rows["b_removed.txt"][0] == "quarantined" and rows["b_removed.txt"][1], rows["b_removed.txt"]
    modified = (inbox / "c_modified.txt").read_bytes()
    import hashlib

    assert rows["c_modified.txt"][2] == hashlib.sha256(modified).hexdigest(), "the bytes parsed are recorded"

    # The next run sees the removal and the modification as they are now, and still accounts for all.
    again = ingest(warehouse, inbox)
    assert again.returncode == 0, again.stderr[-2000:]
    final = query(warehouse, "SELECT path, sha256, outcome FROM ingest_files")
    assert len({(p, s) for p, s, _ in final}) == len(final), "one outcome per file version"
    assert {Path(p).name for p, _, _ in final} == set(names)

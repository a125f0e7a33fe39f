"""Ingests as users run them: `nianbao ingest --warehouse W PATH` as a subprocess, repeated: wall and CPU time
and the peak resident memory of the whole process tree (the CLI and its parse workers).

Three situations, each next to its floor measured in the same run: a first ingest into an empty
warehouse (floor: read and hash every file; baseline: re + pandas into a DuckDB table), a re-run over
unchanged files (floor: stat every file) and 100 new files into the loaded warehouse.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from bench.commands import python_cmd
from bench.corpus import nianbao_cmd
from bench.measure import Measured, repeat, summary

_COUNTS = re.compile(
    r"files seen (\d+) \(already ingested (\d+), new (\d+)\): loaded (\d+) / duplicate (\d+) / "
    r"superseded (\d+) / quarantined (\d+)"
)
_COUNT_KEYS = ("files_seen", "already", "new", "loaded", "duplicate", "superseded", "quarantined")


def ingest_args(warehouse: Path, paths: list[Path]) -> list[str]:
    return ["ingest", "--quiet", "--warehouse", str(warehouse), *map(str, paths)]


def counts(run: Measured) -> dict[str, int]:
    match = _COUNTS.search(run.output)
    return dict(zip(_COUNT_KEYS, map(int, match.groups()), strict=True)) if match else {}


def _result(label: str, args: list[str], runs: list[Measured]) -> dict:
    command = "nianbao " + " ".join(args)
    return {"label": label, "command": command, "counts": counts(runs[-1]), **summary(runs)}


def fresh(label: str, warehouse: Path, reports: Path, repeats: int) -> dict:
    """A first ingest, each repeat into an empty warehouse folder; the last one's warehouse is kept."""
    args = ingest_args(warehouse, [reports])
    runs = repeat(
        nianbao_cmd(*args), repeats, before=lambda _: shutil.rmtree(warehouse.parent, ignore_errors=True)
    )
    result = _result(label, args, runs)
    snapshot = warehouse.parent / "published" / "warehouse.snapshot.duckdb"
    result["warehouse_mb"] = warehouse.stat().st_size / 2**20
    result["snapshot_mb"] = snapshot.stat().st_size / 2**20 if snapshot.exists() else 0.0
    result["quarantine_mb"] = dir_mb(warehouse.parent / "quarantine")
    return result


def no_change(label: str, warehouse: Path, reports: Path, repeats: int) -> dict:
    args = ingest_args(warehouse, [reports])
    return _result(label, args, repeat(nianbao_cmd(*args), repeats))


def incremental(
    label: str, warehouse: Path, reports: Path, new: list[Path], repeats: int, count: int
) -> dict:
    """`count` files not seen before copied into `reports/new-<i>/` before each repeat, then ingested."""
    args = ingest_args(warehouse, [reports])

    def add(i: int) -> None:
        target = reports / f"new-{i}"
        target.mkdir(parents=True, exist_ok=True)
        for path in new[i * count : (i + 1) * count]:
            shutil.copy2(path, target / path.name)

    result = _result(label, args, repeat(nianbao_cmd(*args), repeats, before=add))
    result["command"] = f"cp <{count} new files> {reports}/new-<i>/ && {result['command']}"
    return result


def floors(reports: Path, work: Path, repeats: int) -> dict:
    """The least an ingest must do, and what an afternoon's script does, as processes of their own."""
    database = work / "baseline.duckdb"
    baseline = python_cmd("bench.baseline_re_pandas", "--duckdb", str(database), str(reports))

    def fresh_database(_: int) -> None:
        database.unlink(missing_ok=True)

    shown = f"{reports.parent.name}/{reports.name}"
    result = {
        "hash": {
            "command": f"python -m bench.floor hash {shown}",
            **summary(repeat(python_cmd("bench.floor", "hash", str(reports)), repeats)),
        },
        "stat": {
            "command": f"python -m bench.floor stat {shown}",
            **summary(repeat(python_cmd("bench.floor", "stat", str(reports)), repeats)),
        },
        "baseline": {
            "command": f"python -m bench.baseline_re_pandas --duckdb baseline.duckdb {shown}",
            **summary(repeat(baseline, repeats, before=fresh_database)),
        },
    }
    database.unlink(missing_ok=True)
    return result


def dir_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20 if path.exists() else 0.0


def fresh_profiled(warehouse: Path, reports: Path, wrapper: list[str]) -> str:
    """A first ingest run under `wrapper` (the profiler); the command, for the report."""
    shutil.rmtree(warehouse.parent, ignore_errors=True)
    args = ingest_args(warehouse, [reports])
    repeat([*wrapper, *nianbao_cmd(*args)], 1)
    shutil.rmtree(warehouse.parent, ignore_errors=True)
    return "nianbao " + " ".join(args)

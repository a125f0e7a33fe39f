"""Full ingests as users run them: `nianbao ingest --warehouse W PATH` in a subprocess, wall time and the
peak resident memory of the whole process tree (the CLI and its parse workers)."""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from bench.corpus import nianbao_cmd
from bench.measure import run_measured

_COUNTS = re.compile(
    r"files seen (\d+) \(already ingested (\d+), new (\d+)\): loaded (\d+) / duplicate (\d+) / "
    r"superseded (\d+) / quarantined (\d+)"
)


@dataclass
class IngestRun:
    label: str
    command: str
    seconds: float
    peak_rss_mb: float
    counts: dict[str, int] = field(default_factory=dict)
    warehouse_mb: float = 0.0
    snapshot_mb: float = 0.0
    output: str = ""


def ingest(
    label: str, warehouse: Path, paths: list[Path], workers: int | None = None, wrapper: list[str] = ()
) -> IngestRun:
    """`wrapper`: a command to run the `nianbao` script under (the profiler), else none."""
    args = ["ingest", "--quiet", "--warehouse", str(warehouse), *map(str, paths)]
    if workers:
        args[1:1] = ["--workers", str(workers)]
    measured = run_measured([*wrapper, *nianbao_cmd(*args)])
    if measured.returncode != 0:
        raise RuntimeError(f"nianbao ingest failed ({label}):\n{measured.output[-3000:]}")
    run = IngestRun(label, "nianbao " + " ".join(args), measured.seconds, measured.peak_rss_mb)
    run.output = measured.output
    match = _COUNTS.search(measured.output)
    if match:
        keys = ("files_seen", "already", "new", "loaded", "duplicate", "superseded", "quarantined")
        run.counts = dict(zip(keys, map(int, match.groups()), strict=True))
    snapshot = warehouse.parent / "published" / "warehouse.snapshot.duckdb"
    run.warehouse_mb = warehouse.stat().st_size / 2**20 if warehouse.exists() else 0.0
    run.snapshot_mb = snapshot.stat().st_size / 2**20 if snapshot.exists() else 0.0
    return run


def add_new_files(source: Path, target: Path, count: int) -> int:
    """Copy the first `count` report files of `source` (another corpus) into `target` (a new folder)."""
    target.mkdir(parents=True, exist_ok=True)
    files = sorted(p for p in source.iterdir() if p.is_file())[:count]
    for path in files:
        shutil.copy2(path, target / path.name)
    return len(files)


def dir_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20 if path.exists() else 0.0

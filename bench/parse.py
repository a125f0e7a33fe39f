"""Parse + extract throughput on one core, next to its floor (read + decode) and the re/pandas baseline.

The contenders are measured on the same files, interleaved over several rounds, best round kept: on a noisy
machine the ratios between them hold even when the absolute numbers move. Everything runs in this process,
on one core (no pool), so "per second" is "per second per core".
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from pathlib import Path

from bench import baseline_re_pandas
from transforms.activities import extract_activities, home_names_for
from transforms.errors import UnreadableFile
from transforms.extract import MAX_ACTIVITY_TEXT, extract_bytes, extract_file
from transforms.readers import load_bytes, read_document

FLOOR = "read + decode (floor)"
NIANBAO = "nianbao extract"
IN_MEMORY = "nianbao extract, bytes in memory"
BASELINE = "baseline re + pandas"


def _floor(paths: list[Path]) -> None:
    for path in paths:
        with contextlib.suppress(UnreadableFile):
            read_document(load_bytes(path), str(path))


def _nianbao(paths: list[Path]) -> None:
    for path in paths:
        with contextlib.suppress(UnreadableFile):
            extract_file(path)


def _baseline(paths: list[Path]) -> None:
    baseline_re_pandas.run(paths)


def _extract_from_memory(blobs: list[tuple[bytes, str]]) -> None:
    for data, name in blobs:
        with contextlib.suppress(UnreadableFile):
            extract_bytes(data, name)


def warm_up(paths: list[Path]) -> None:
    """Build the one-time tables (gazetteer automaton, label regex, cpca) before anything is timed."""
    _nianbao(paths[:20])
    _floor(paths[:20])
    _baseline(paths[:5])


def throughput(paths: list[Path], rounds: int = 3, baseline: bool = True) -> dict[str, float]:
    """Reports per second on one core for each contender: best of `rounds`, by wall time, and by the CPU
    time of this (single-threaded) process under the key `<name> [cpu]` (steadier on a shared machine)."""
    warm_up(paths)
    blobs = [(path.read_bytes(), str(path)) for path in paths]
    contenders: dict[str, Callable[[], None]] = {
        FLOOR: lambda: _floor(paths),
        NIANBAO: lambda: _nianbao(paths),
        IN_MEMORY: lambda: _extract_from_memory(blobs),
    }
    if baseline:
        contenders[BASELINE] = lambda: _baseline(paths)
    best = dict.fromkeys(contenders, float("inf"))
    best_cpu = dict.fromkeys(contenders, float("inf"))
    for _ in range(rounds):
        for name, run in contenders.items():
            start, start_cpu = time.perf_counter(), time.process_time()
            run()
            best[name] = min(best[name], time.perf_counter() - start)
            best_cpu[name] = min(best_cpu[name], max(1e-9, time.process_time() - start_cpu))
    rates = {name: len(paths) / seconds for name, seconds in best.items()}
    rates.update({f"{name} [cpu]": len(paths) / seconds for name, seconds in best_cpu.items()})
    return rates


def activities_cost(paths: list[Path], rounds: int = 3) -> dict[str, float]:
    """Milliseconds per report spent in `extract_activities` alone (the issue-3 budget: <= 0.3 ms)."""
    inputs = []
    for path in paths:
        try:
            record = extract_file(path)
        except UnreadableFile:
            continue
        inputs.append((record["narrative"] or "", home_names_for(record["institution"])))
    best = float("inf")
    activities = 0
    for _ in range(rounds):
        start = time.perf_counter()
        activities = sum(len(extract_activities(n[:MAX_ACTIVITY_TEXT], home_names=h)) for n, h in inputs)
        best = min(best, time.perf_counter() - start)
    return {
        "reports": len(inputs),
        "activities": activities,
        "ms_per_report": 1000 * best / max(1, len(inputs)),
        "narrative_chars_avg": sum(len(n) for n, _ in inputs) / max(1, len(inputs)),
    }

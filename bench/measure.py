"""Whole-process measurement: wall time, CPU time and peak memory of a command and all its child processes.

The ingest runs a process pool, so the peak that matters is the sum of the resident sets of the whole
process tree at one moment (read from /proc), not the largest single process that `getrusage` reports.
CPU time is the user + system time of the command and every descendant it waited for (RUSAGE_CHILDREN
before and after; the bench runs one command at a time). Every figure is repeated and reported as
min / median / max: one run on a shared machine says little.
"""

from __future__ import annotations

import contextlib
import os
import resource
import statistics
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

_PAGE = os.sysconf("SC_PAGE_SIZE")


@dataclass(frozen=True)
class Measured:
    seconds: float
    cpu_seconds: float
    peak_rss_mb: float
    returncode: int
    output: str


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(ppid, []).append(int(entry.name))
    return tree


def tree_rss_bytes(root: int) -> int:
    """Resident memory of `root` and every descendant, now."""
    tree = _children()
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        with contextlib.suppress(OSError, IndexError, ValueError):
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * _PAGE
        stack.extend(tree.get(pid, []))
    return total


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_measured(
    cmd: Sequence[str],
    env: dict[str, str] | None = None,
    interval: float = 0.05,
    stdout: IO[bytes] | None = None,
) -> Measured:
    """Run `cmd`, sampling the tree's memory every `interval` seconds. Its stdout goes to `stdout` when
    given (a file, as a user redirects a large output), else it is captured with stderr."""
    cpu_before = _children_cpu()
    start = time.perf_counter()
    with subprocess.Popen(
        list(cmd),
        env=env,
        stdout=stdout if stdout is not None else subprocess.PIPE,
        stderr=subprocess.PIPE if stdout is not None else subprocess.STDOUT,
    ) as process:
        peak = 0
        while process.poll() is None:
            peak = max(peak, tree_rss_bytes(process.pid))
            time.sleep(interval)
        seconds = time.perf_counter() - start
        stream = process.stderr if stdout is not None else process.stdout
        output = stream.read().decode("utf-8", "replace") if stream else ""
    return Measured(seconds, _children_cpu() - cpu_before, peak / 2**20, process.returncode, output)


@dataclass(frozen=True)
class Spread:
    """min / median / max of one figure over repeated runs."""

    low: float
    median: float
    high: float

    @classmethod
    def of(cls, values: Sequence[float]) -> Spread:
        return cls(min(values), statistics.median(values), max(values))

    def as_dict(self) -> dict[str, float]:
        return {"min": self.low, "median": self.median, "max": self.high}


def repeat(
    cmd: Sequence[str],
    times: int,
    *,
    before: Callable[[int], None] | None = None,
    stdout_to: Path | None = None,
    check: bool = True,
) -> list[Measured]:
    """`times` runs of `cmd`, each after `before(i)` (setup that is not measured); with `stdout_to`, the
    command's stdout is written to that file. A run that fails raises, with its output, unless `check`
    is false (a command whose non-zero exit is expected, e.g. a corpus with defective files)."""
    runs = []
    for i in range(times):
        if before:
            before(i)
        if stdout_to is not None:
            with open(stdout_to, "wb") as out:
                run = run_measured(cmd, stdout=out)
        else:
            run = run_measured(cmd)
        if check and run.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} failed ({run.returncode}):\n{run.output[-3000:]}")
        runs.append(run)
    return runs


def summary(runs: Sequence[Measured]) -> dict:
    """What the report needs of a repeated measure: wall and CPU spreads, peak memory, run count."""
    return {
        "runs": len(runs),
        "seconds": Spread.of([r.seconds for r in runs]).as_dict(),
        "cpu_seconds": Spread.of([r.cpu_seconds for r in runs]).as_dict(),
        "peak_rss_mb": max(r.peak_rss_mb for r in runs),
    }


_SPIN = (
    "import time\nt, n = time.perf_counter(), 0\nwhile time.perf_counter() - t < {s}:\n    n += 1\nprint(n)"
)


def parallel_scaling(processes: int, seconds: float = 2.0) -> tuple[float, float]:
    """How much more CPU-bound work `processes` processes get done together than one alone, now; and how
    fast one alone ran a fixed Python loop (millions of iterations a second).

    On a dedicated machine the first is close to the number of cores; on a shared virtual machine it can be
    far less, and it bounds what any pool (`nianbao extract`, the ingest workers) can gain here. The second
    moves with what the neighbours do to the shared cores: two runs' figures compare only as far as it agrees.
    """
    import sys

    def work(count: int) -> int:
        cmd = [sys.executable, "-c", _SPIN.format(s=seconds)]
        procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True) for _ in range(count)]
        return sum(int(p.communicate()[0]) for p in procs)

    alone = max(1, work(1))
    return work(processes) / alone, alone / seconds / 1e6

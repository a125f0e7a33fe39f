"""Wall time and peak memory of a command and all its child processes, read from /proc.

The ingest runs a process pool, so the peak that matters is the sum of the resident sets of the whole
process tree at one moment, not the largest single process that `getrusage` reports.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

_PAGE = os.sysconf("SC_PAGE_SIZE")


@dataclass(frozen=True)
class Measured:
    seconds: float
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


def run_measured(cmd: list[str], env: dict[str, str] | None = None, interval: float = 0.05) -> Measured:
    """Run `cmd`, sampling the tree's memory every `interval` seconds."""
    start = time.perf_counter()
    with subprocess.Popen(
        cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    ) as process:
        peak = 0
        while process.poll() is None:
            peak = max(peak, tree_rss_bytes(process.pid))
            time.sleep(interval)
        output = process.stdout.read() if process.stdout else ""
    return Measured(time.perf_counter() - start, peak / 2**20, process.returncode, output)

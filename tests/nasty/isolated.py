"""Extract files in a child process with resource limits and a per-file time limit.

`run_isolated(paths)` starts one worker process (this file run as a script) under RLIMIT_AS, feeds it
the paths and reads one JSON line per file. A file that takes longer than its time limit, or that kills
the worker (out of memory, a crash in C code), is reported as such and the worker is restarted for the
files after it, so one hang cannot hide the results of the rest of the corpus.

The worker checks each record against the contract itself (tests/nasty/contract.py) and sends back only
the outcome, so the parent never holds a record.
"""

from __future__ import annotations

import json
import os
import queue
import resource
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
MEMORY_LIMIT = 1536 * 1024 * 1024  # RLIMIT_AS of the worker: 1.5 GB of address space
FILE_TIMEOUT = 60.0  # seconds one file may take (far above the slowest legitimate file)


@dataclass
class Outcome:
    path: str
    outcome: str  # record | unreadable | crash | hang | died
    reason: str = ""
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    peak_rss_mb: float = 0.0
    activities: int = 0


def _peak_rss_mb() -> float:
    """This worker's own peak RSS. Not ru_maxrss: the worker is forked from the test process before it
    execs, and Linux carries the parent's resident size over into ru_maxrss; VmHWM starts anew at exec."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _limits(memory: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def run_isolated(
    paths: list[Path], *, timeout: float = FILE_TIMEOUT, memory: int = MEMORY_LIMIT
) -> list[Outcome]:
    """The outcome of extracting each of `paths`, in order (see the module docstring)."""
    results: list[Outcome] = []
    todo = [str(p) for p in paths]
    while todo:
        proc = subprocess.Popen(
            [sys.executable, __file__],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            cwd=ROOT,
            text=True,
            preexec_fn=lambda: _limits(memory),
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        assert proc.stdin is not None and proc.stdout is not None
        proc.stdin.write("\n".join(todo) + "\n")
        proc.stdin.close()
        lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=_pump, args=(proc.stdout, lines), daemon=True).start()
        done, failed = 0, ""
        started = time.monotonic()
        while done < len(todo):
            try:
                line = lines.get(timeout=max(0.0, timeout - (time.monotonic() - started)))
            except queue.Empty:
                proc.kill()
                failed = "hang"
                break
            if line is None:  # the worker exited before answering for every file
                failed = f"died (exit status {proc.wait()})"
                break
            if line.startswith("{"):
                results.append(Outcome(**json.loads(line)))
                done += 1
                started = time.monotonic()
        proc.wait()
        if failed:
            kind = "hang" if failed == "hang" else "died"
            results.append(Outcome(todo[done], kind, failed, seconds=round(time.monotonic() - started, 3)))
            done += 1
        todo = todo[done:]
    return results


def _pump(stream, lines: queue.Queue) -> None:
    for line in stream:
        lines.put(line)
    lines.put(None)


def _worker() -> None:
    sys.path.insert(0, str(HERE))
    from contract import INTERNAL_ERROR_REASONS, contract_errors

    from transforms.errors import UnreadableFile
    from transforms.extract import extract_file

    for line in sys.stdin.read().splitlines():
        started = time.monotonic()
        out: dict = {"path": line}
        try:
            record = extract_file(line)
        except UnreadableFile as exc:
            out |= {"outcome": "unreadable", "reason": exc.reason}
            if not exc.reason or exc.reason.startswith(INTERNAL_ERROR_REASONS):
                out["errors"] = [f"internal error or empty reason: {exc.reason!r}"]
        except BaseException as exc:
            out |= {"outcome": "crash", "reason": f"{type(exc).__name__}: {str(exc)[:300]}"}
        else:
            out |= {"outcome": "record", "errors": contract_errors(record)[:20]}
            out["activities"] = len(record.get("activities") or [])
            del record
        out["seconds"] = round(time.monotonic() - started, 3)
        out["peak_rss_mb"] = _peak_rss_mb()
        print(json.dumps(out, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    _worker()

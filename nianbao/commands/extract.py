"""`nianbao extract FILE... [--json] [--workers N]`: one record per file, in input order; a bad file is one
line on stderr, not a stop.

Files are extracted by a pool of processes, one per core by default, and printed in input order as they
complete. The first file is extracted in this process before the pool starts: that builds the one-time
tables (label patterns, gazetteer, division codes) once, and the workers, forked after it, inherit them.
"""

from __future__ import annotations

import argparse
import collections
import gc
import json
import os
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import orjson

from nianbao.limits import time_limit
from transforms.errors import UnreadableFile
from transforms.extract import extract_file

if TYPE_CHECKING:
    from multiprocessing.context import BaseContext

# Files per task handed to a worker, and tasks in flight per worker: enough to keep every core busy,
# few enough that a slow file holds back only a bounded amount of finished output.
MAX_BATCH = 64
TASKS_PER_WORKER = 4
# (True, the UTF-8 line for stdout) or (False, the line for stderr). Records travel as bytes: orjson makes
# bytes and stdout takes bytes, so no line is decoded in a worker only to be encoded again by the parent.
Output = tuple[bool, bytes] | tuple[bool, str]


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="+", type=Path, help="report files, or folders to read recursively")
    parser.add_argument("--json", action="store_true", help="print one JSON record per line")
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        help="processes extracting files (default: one per available core; 1: no pool)",
    )
    parser.set_defaults(func=run)


def iter_files(paths: list[Path]) -> Iterator[Path]:
    """Files named directly, then the files inside named folders in a stable order (hidden files skipped)."""
    for path in paths:
        if path.is_dir():
            yield from sorted(
                p for p in path.rglob("*") if p.is_file() and not any(s.startswith(".") for s in p.parts)
            )
        else:
            yield path


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def json_line(record: dict) -> bytes:
    """The record as one line of UTF-8 JSON (orjson; the standard library for what orjson refuses, e.g. an
    integer beyond 64 bits)."""
    try:
        return orjson.dumps(record)
    except TypeError:
        return json.dumps(record, ensure_ascii=False).encode()


def extract_one(path: Path, as_json: bool) -> Output:
    try:
        with time_limit(str(path)):
            record = extract_file(path)
    except UnreadableFile as exc:
        return False, f"nianbao extract: {exc.path}: {exc.reason}"
    except Exception as exc:  # a bug must not lose the rest of the batch
        return False, f"nianbao extract: {path}: internal error ({type(exc).__name__}: {exc})"
    return True, json_line(record) if as_json else _summary(record).encode()


def extract_batch(paths: list[Path], as_json: bool) -> list[Output]:
    return [extract_one(path, as_json) for path in paths]


def _batches(paths: list[Path], size: int) -> Iterator[list[Path]]:
    for start in range(0, len(paths), size):
        yield paths[start : start + size]


def _pool_context() -> BaseContext:
    """fork where it is safe (Linux; this command starts no threads): workers start at once and share the
    tables the first file built; spawn elsewhere. Imported here, as only a pool needs it (10 ms)."""
    import multiprocessing

    if sys.platform == "linux":
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


def extract_in_order(paths: list[Path], as_json: bool, workers: int) -> Iterator[Output]:
    """The output of every file in input order, extracted by `workers` processes (1: in this one)."""
    if not paths:
        return
    yield extract_one(paths[0], as_json)  # builds the one-time tables before any worker exists
    rest = paths[1:]
    workers = min(workers, len(rest))
    if workers <= 1:
        yield from (extract_one(path, as_json) for path in rest)
        return
    size = max(1, min(MAX_BATCH, len(rest) // (workers * TASKS_PER_WORKER * 2)))
    # The workers share the tables built so far, copy-on-write; frozen, the garbage collector in each
    # worker leaves them alone instead of touching (and so copying) every page that holds them.
    gc.freeze()
    with _pool_context().Pool(workers) as pool:
        pending: collections.deque = collections.deque()
        for batch in _batches(rest, size):
            if len(pending) >= workers * TASKS_PER_WORKER:
                yield from pending.popleft().get()
            pending.append(pool.apply_async(extract_batch, (batch, as_json)))
        while pending:
            yield from pending.popleft().get()


def write(outputs: Iterable[Output]) -> int:
    """Print records to stdout and failures to stderr; the number of failures."""
    failed = 0
    sys.stdout.flush()
    stdout = sys.stdout.buffer
    for ok, line in outputs:
        if ok:
            stdout.write(line)
            stdout.write(b"\n")
        else:
            failed += 1
            stdout.flush()  # keep stdout and stderr in input order on a terminal
            print(line, file=sys.stderr)
    stdout.flush()
    return failed


def run(args: argparse.Namespace) -> int:
    paths = list(iter_files(args.paths))
    workers = args.workers if args.workers and args.workers > 0 else available_cores()
    failed = write(extract_in_order(paths, args.json, workers))
    return 1 if failed else 0


def _summary(record: dict) -> str:
    institution, finance = record["institution"], record["finance"]
    errors = sum(p["severity"] == "error" for p in record["problems"])
    warnings = len(record["problems"]) - errors
    return (
        f"{record['source']['path']}: {record['report_year']} {institution['name']} "
        f"USCC {institution['uscc']} ({'valid' if institution['uscc_valid'] else 'INVALID/missing'}) "
        f"净资产 {finance['net_assets_begin_wan']} → {finance['net_assets_end_wan']} 万元, "
        f"{len(record['activities'])} activities, {errors} errors, {warnings} warnings"
    )

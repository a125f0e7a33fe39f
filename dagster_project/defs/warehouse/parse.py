"""Parse the candidate files into staging Parquet, chunk by chunk (memory flat in corpus size).

Each chunk is read, extracted (`transforms.extract.extract_bytes` by default), flattened (`transforms.tables`)
and encoded as Parquet by a worker, which hands the Parquet bytes back; this process writes them to
`<out_dir>/<table>/chunk-<n>.parquet`, so a worker that dies half-way leaves nothing behind and the load into
DuckDB stays the single writer. A file that cannot be read becomes a `files` row with its reason; a copy of
its bytes is kept in the quarantine folder so nothing is lost.

Where chunks run is a `ChunkRunner`: in this process, a local process pool (the default; its workers in
`workers`), or a Dask cluster (`parse_dask.DaskCluster`, only imported when asked for).
"""

from __future__ import annotations

import errno
import hashlib
import importlib
import os
import shutil
from collections import Counter
from collections.abc import Callable, Generator, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from nianbao.limits import time_limit
from transforms.errors import UnreadableFile
from transforms.readers import MAX_FILE_BYTES, check_size, read_capped
from transforms.tables import FileFacts, TableBatch

from .workers import DEFAULT_CHUNK_SIZE, DEFAULT_EXTRACTOR, has_standby_pool, new_pool, take_standby_pool

# A chunk is re-run after a worker died while parsing it; the run fails when a chunk was being parsed by this
# many + 1 dying workers (Dask's scheduler default `distributed.scheduler.allowed-failures` is the same 3).
CHUNK_RETRIES = 3
MIN_CHUNK = 50  # files: below this a chunk's fixed costs (its Parquet files, its task) weigh


@dataclass
class ParseStats:
    parsed: int = 0
    failed: int = 0
    same_sha: int = 0
    chunks: int = 0
    retried: int = 0  # chunks re-run because their local worker died
    by_worker: Counter[str] = field(default_factory=Counter)  # chunks per Dask worker


@dataclass(frozen=True)
class ParseSettings:
    """What every chunk of a run is parsed with."""

    extractor_ref: str
    quarantine_dir: str
    require_valid_uscc: bool = False
    known_localities: dict[str, str] | None = None


@dataclass(frozen=True)
class ChunkTask:
    no: int
    rows: list[dict]  # candidate rows (discover.CANDIDATE_SCHEMA)

    def describe(self) -> str:
        return f"chunk {self.no} ({len(self.rows)} files from {self.rows[0]['path']})"


@dataclass
class ChunkOutput:
    no: int
    files: int
    parsed: int
    failed: int
    parquet: dict[str, bytes]  # staging table -> the bytes of one Parquet file
    worker: str = ""  # the Dask worker that parsed it
    retries: int = 0  # times it was re-run after its local worker died


class ChunkFailed(RuntimeError):
    """A chunk could not be parsed after its retries: the run stops before loading anything."""


class ChunkRunner(Protocol):
    def map(self, tasks: Iterable[ChunkTask], settings: ParseSettings) -> Iterator[ChunkOutput]:
        """One output per task as each completes (any order); ChunkFailed once a chunk is out of retries."""
        ...


def read_failure(exc: OSError) -> tuple[str, str, str]:
    """(action, reason code, detail) for a file that could not be read."""
    if isinstance(exc, FileNotFoundError):
        return "vanished", "vanished", "读取前文件已被删除 / the file disappeared before it was read"
    if isinstance(exc, PermissionError):
        return (
            "unreadable",
            "permission_denied",
            f"没有读取权限 / no permission to read the file: {exc.strerror}",
        )
    if exc.errno in (errno.EINVAL, errno.ELOOP):
        what = "变为符号链接 / became a symlink" if exc.errno == errno.ELOOP else exc.strerror
        return "unreadable", "not_a_regular_file", f"不是普通文件 / {what}; not read"
    return "unreadable", "unreadable", f"读取失败 / cannot read: {exc.strerror or exc}"


def load_extractor(ref: str) -> Callable[..., dict]:
    """The extractor `module:function`, called as f(data, path, known_localities=...) like extract_bytes."""
    module, _, name = ref.partition(":")
    return getattr(importlib.import_module(module), name)


def quarantine_copy(raw_path: bytes, data: bytes, sha256: str, quarantine_dir: str) -> str | None:
    """Keep the bytes of a quarantined file as `<quarantine_dir>/<sha256><suffix>` (idempotent)."""
    suffix = os.path.splitext(raw_path.decode("utf-8", "replace"))[1]
    if not (1 < len(suffix) <= 10 and suffix[1:].isalnum() and suffix.isascii()):
        suffix = ""
    target = Path(quarantine_dir) / f"{sha256}{suffix}"
    try:
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
            tmp.write_bytes(data)
            os.replace(tmp, target)
        return str(target)
    except OSError:
        return None


def parse_chunk(task: ChunkTask, settings: ParseSettings) -> ChunkOutput:
    """Worker: parse the chunk's files into staging tables, returned as Parquet bytes."""

    extract = load_extractor(settings.extractor_ref)
    known_localities = settings.known_localities
    batch = TableBatch(require_valid_uscc=settings.require_valid_uscc)
    parsed = failed = 0
    for row in task.rows:
        raw = row["raw_path"]
        try:
            with time_limit(row["path"]):  # reading is bounded like parsing (a file on a hung mount)
                data = read_capped(raw)  # a FIFO or symlink swapped in since discovery is refused at once
        except (OSError, UnreadableFile) as exc:
            facts = FileFacts(row["path"], row["sha256"], row["size_bytes"], row["mtime_ns"])
            if isinstance(exc, OSError):
                action, reason, detail = read_failure(exc)
            else:
                action, reason, detail = "unreadable", "unreadable", f"读取超时 / reading {exc.reason}"
            batch.add_failure(facts, action, reason, detail)
            failed += 1
            continue
        if len(data) > MAX_FILE_BYTES:
            # Not read whole and not copied: the reason says why; the file itself stays where it is.
            facts = FileFacts(row["path"], row["sha256"], row["size_bytes"], row["mtime_ns"])
            try:
                check_size(max(len(data), row["size_bytes"]), row["path"])
            except UnreadableFile as exc:
                batch.add_failure(facts, "unreadable", "unreadable", exc.reason)
            failed += 1
            continue
        # The bytes we parse are the bytes we record (the file may have changed since discovery).
        facts = FileFacts(row["path"], hashlib.sha256(data).hexdigest(), len(data), row["mtime_ns"])
        try:
            with time_limit(row["path"]):
                record = extract(data, row["path"], known_localities=known_localities)
        except UnreadableFile as exc:
            batch.add_failure(facts, "unreadable", "unreadable", exc.reason)
        except Exception as exc:
            detail = f"抽取出错 / {type(exc).__name__}: {exc}"[:500]
            batch.add_failure(facts, "error", "extract_error", detail)
        else:
            batch.add_record(record, facts)
        last = batch.rows["files"][-1]
        if last["parse_status"] == "parsed":
            parsed += 1
        else:
            failed += 1
            last["quarantine_copy"] = quarantine_copy(raw, data, facts.sha256, settings.quarantine_dir)
    return ChunkOutput(task.no, len(task.rows), parsed, failed, to_parquet(batch))


def to_parquet(batch: TableBatch) -> dict[str, bytes]:
    """Every non-empty table of `batch` as the bytes of a zstd Parquet file."""
    encoded = {}
    for name, table in batch.to_arrow().items():
        if table.num_rows:
            sink = pa.BufferOutputStream()
            pq.write_table(table, sink, compression="zstd")
            encoded[name] = sink.getvalue().to_pybytes()
    return encoded


def write_parquet(parquet: dict[str, bytes], out_dir: Path, stem: str) -> None:
    for name, data in parquet.items():
        (out_dir / name).mkdir(parents=True, exist_ok=True)
        (out_dir / name / f"{stem}.parquet").write_bytes(data)


class InProcess:
    """Chunks one after another in this process (one worker, or a single chunk: no pool to start)."""

    def map(self, tasks: Iterable[ChunkTask], settings: ParseSettings) -> Iterator[ChunkOutput]:
        for task in tasks:
            yield parse_chunk(task, settings)


class LocalPool:
    """Chunks on `workers` spawned processes (the standby pool's, when one waits), a few in flight at a time.

    A worker that dies (kill -9, the OOM killer, a crash in a C parser) breaks a ProcessPoolExecutor as a
    whole: the chunks then in flight are re-run in a fresh pool, one at a time, then the rest as before. A
    chunk that was being parsed when more than `retries` workers died fails the run.
    """

    def __init__(self, workers: int, retries: int = CHUNK_RETRIES) -> None:
        self.workers = workers
        self.retries = retries

    def map(self, tasks: Iterable[ChunkTask], settings: ParseSettings) -> Iterator[ChunkOutput]:
        todo = iter(tasks)
        suspects: list[ChunkTask] = []  # in flight when a worker died
        deaths: Counter[int] = Counter()
        while True:
            if suspects:
                # One at a time: a chunk that kills its worker again is then the only one blamed.
                queue = iter(suspects)
                lost = yield from self._one_pool(queue, settings, deaths, in_flight=1)
                suspects = list(queue)
            else:
                lost = yield from self._one_pool(todo, settings, deaths, in_flight=2 * self.workers)
                if not lost:
                    return
            for task in lost:
                deaths[task.no] += 1
                if deaths[task.no] > self.retries:
                    raise ChunkFailed(
                        f"a parse worker died {deaths[task.no]} times while parsing {task.describe()}"
                    )
            suspects = lost + suspects

    def _one_pool(
        self, todo: Iterator[ChunkTask], settings: ParseSettings, deaths: Counter[int], in_flight: int
    ) -> Generator[ChunkOutput, None, list[ChunkTask]]:
        """Run chunks from `todo` until none is left or a worker dies; return the chunks lost then."""
        workers, extractor = min(self.workers, in_flight), settings.extractor_ref
        pool = take_standby_pool(workers, extractor) or new_pool(workers, extractor)
        try:
            pending: dict[Future[ChunkOutput], ChunkTask] = {}

            def submit_next() -> None:
                task = next(todo, None)
                if task is not None:
                    pending[pool.submit(parse_chunk, task, settings)] = task

            for _ in range(in_flight):  # bounded queue: only a few chunks in flight
                submit_next()
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                if any(isinstance(f.exception(), BrokenProcessPool) for f in done):
                    wait(pending)  # a broken pool fails every chunk still in flight
                    done = set(pending)
                lost = []
                for future in done:
                    task = pending.pop(future)
                    if isinstance(future.exception(), BrokenProcessPool):
                        lost.append(task)
                    else:
                        output = future.result()
                        output.retries = deaths[task.no]
                        yield output
                if lost:
                    return lost
                for _ in done:
                    submit_next()
        finally:
            # Not waiting for the workers to wind down (they exit on their own): the load goes on meanwhile.
            pool.shutdown(wait=False, cancel_futures=True)
        return []


def files_to_parse(candidates_file: Path) -> int:
    """How many candidates have the action `parse`."""
    actions = pq.read_table(candidates_file, columns=["action"])["action"]
    return pc.sum(pc.equal(actions, "parse")).as_py() or 0


def chunk_bounds(total: int, chunk_size: int, workers: int) -> list[tuple[int, int]]:
    """(start, size) of each chunk of `total` files: `chunk_size` files, fewer towards the end (a share of
    what is left, at least MIN_CHUNK), so that the workers finish together rather than one of them idling
    while another parses a last full chunk. Up to `chunk_size` files are one chunk."""
    if total <= chunk_size:
        return [(0, total)] if total else []
    bounds, start = [], 0
    while start < total:
        share = -(-(total - start) // (2 * workers))
        size = min(chunk_size, max(MIN_CHUNK, share), total - start)
        bounds.append((start, size))
        start += size
    return bounds


def parse_candidates(
    candidates_file: Path,
    out_dir: Path,
    *,
    extractor_ref: str = DEFAULT_EXTRACTOR,
    quarantine_dir: Path,
    workers: int = 2,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    require_valid_uscc: bool = False,
    known_localities: dict[str, str] | None = None,
    runner: ChunkRunner | None = None,
    progress: Callable[[str, int, int | None], None] | None = None,
) -> ParseStats:
    """Parse every `parse` candidate; record the other candidates (byte-copies, files that could not be read
    or are not reports, placeholders resolved) without reading them.

    `runner` is where chunks run; by default this process (one worker or one chunk) or a local pool.
    """
    stats = ParseStats()
    table = pq.read_table(candidates_file)
    is_parse = pc.equal(table["action"], "parse")
    out_dir.mkdir(parents=True, exist_ok=True)

    # Not parsed: byte-copies, files gone or unreadable before hashing, files that are not reports.
    side = TableBatch()
    for row in table.filter(pc.invert(is_parse)).to_pylist():
        facts = FileFacts(row["path"], row["sha256"], row["size_bytes"], row["mtime_ns"])
        if row["action"] == "same_sha":
            side.add_same_sha(facts, row["same_sha_as"])
            stats.same_sha += 1
        else:
            side.add_failure(facts, row["action"], row["reason"] or row["action"], row["detail"])
            stats.failed += row["action"] != "resolved"
    if len(side):
        write_parquet(to_parquet(side), out_dir, "side")

    to_parse = table.filter(is_parse)
    total = to_parse.num_rows
    bounds = chunk_bounds(total, chunk_size, workers)
    stats.chunks = len(bounds)
    if runner is None:
        # One chunk is parsed in this process, unless warm workers are waiting for it.
        waiting = stats.chunks == 1 and has_standby_pool(workers, extractor_ref)
        runner = LocalPool(workers) if workers > 1 and (stats.chunks > 1 or waiting) else InProcess()
    tasks = (ChunkTask(no, to_parse.slice(start, n).to_pylist()) for no, (start, n) in enumerate(bounds))
    settings = ParseSettings(extractor_ref, str(quarantine_dir), require_valid_uscc, known_localities)
    done = 0
    if progress:
        progress("parse", 0, total)
    for output in runner.map(tasks, settings):
        write_parquet(output.parquet, out_dir, f"chunk-{output.no:06d}")
        stats.parsed += output.parsed
        stats.failed += output.failed
        stats.retried += output.retries > 0
        if output.worker:
            stats.by_worker[output.worker] += 1
        done += output.files
        if progress:
            progress("parse", done, total)
    return stats


def clean_dir(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)

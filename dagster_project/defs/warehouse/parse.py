"""Parse the candidate files into staging Parquet, in a process pool, in chunks (memory flat in corpus size).

Each chunk is read, extracted (`transforms.extract.extract_bytes` by default) and flattened
(`transforms.tables`) inside a worker, which writes `<out_dir>/<table>/chunk-<n>.parquet` and returns only
counts. A file that cannot be read becomes a `files` row with its reason; a copy of its bytes is kept in the
quarantine folder so nothing is lost.
"""

from __future__ import annotations

import errno
import hashlib
import importlib
import multiprocessing
import os
import shutil
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

import pyarrow.compute as pc
import pyarrow.parquet as pq

from nianbao.limits import time_limit
from transforms.errors import UnreadableFile
from transforms.readers import MAX_FILE_BYTES, check_size, read_capped
from transforms.tables import FileFacts, TableBatch

DEFAULT_EXTRACTOR = "transforms.extract:extract_bytes"


@dataclass
class ParseStats:
    parsed: int = 0
    failed: int = 0
    same_sha: int = 0
    chunks: int = 0


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


def parse_chunk(
    chunk_no: int,
    rows: list[dict],
    out_dir: str,
    extractor_ref: str,
    quarantine_dir: str,
    require_valid_uscc: bool = False,
    known_localities: dict[str, str] | None = None,
) -> tuple[int, int]:
    """Worker: parse `rows` (candidate dicts) and write one Parquet file per non-empty table."""

    extract = load_extractor(extractor_ref)
    batch = TableBatch(require_valid_uscc=require_valid_uscc)
    parsed = failed = 0
    for row in rows:
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
            last["quarantine_copy"] = quarantine_copy(raw, data, facts.sha256, quarantine_dir)
    write_tables(batch, Path(out_dir), f"chunk-{chunk_no:06d}")
    return parsed, failed


def write_tables(batch: TableBatch, out_dir: Path, stem: str) -> None:
    for name, table in batch.to_arrow().items():
        if table.num_rows:
            (out_dir / name).mkdir(parents=True, exist_ok=True)
            pq.write_table(table, out_dir / name / f"{stem}.parquet", compression="zstd")


def files_to_parse(candidates_file: Path) -> int:
    """How many candidates have the action `parse`."""
    actions = pq.read_table(candidates_file, columns=["action"])["action"]
    return pc.sum(pc.equal(actions, "parse")).as_py() or 0


def parse_candidates(
    candidates_file: Path,
    out_dir: Path,
    *,
    extractor_ref: str = DEFAULT_EXTRACTOR,
    quarantine_dir: Path,
    workers: int = 2,
    chunk_size: int = 500,
    require_valid_uscc: bool = False,
    known_localities: dict[str, str] | None = None,
    progress: Callable[[str, int, int | None], None] | None = None,
) -> ParseStats:
    """Parse every `parse` candidate; record the other candidates (byte-copies, files that could not be read
    or are not reports, placeholders resolved) without reading them."""
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
        write_tables(side, out_dir, "side")

    to_parse = table.filter(is_parse)
    total = to_parse.num_rows
    chunks = [to_parse.slice(i, chunk_size) for i in range(0, total, chunk_size)]
    stats.chunks = len(chunks)
    done = 0
    args = (str(out_dir), extractor_ref, str(quarantine_dir), require_valid_uscc, known_localities)
    if progress:
        progress("parse", 0, total)
    if workers <= 1 or len(chunks) <= 1:
        for no, chunk in enumerate(chunks):
            parsed, failed = parse_chunk(no, chunk.to_pylist(), *args)
            stats.parsed, stats.failed, done = (
                stats.parsed + parsed,
                stats.failed + failed,
                done + chunk.num_rows,
            )
            if progress:
                progress("parse", done, total)
        return stats

    # spawn: the caller (Dagster, Streamlit) has threads; forking those is unsafe.
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        pending = {}
        chunk_iter = iter(enumerate(chunks))

        def submit_next() -> None:
            item = next(chunk_iter, None)
            if item is not None:
                no, chunk = item
                pending[pool.submit(parse_chunk, no, chunk.to_pylist(), *args)] = chunk.num_rows

        for _ in range(workers * 2):  # bounded queue: only a few chunks in flight
            submit_next()
        while pending:
            future = next(as_completed(pending))
            rows = pending.pop(future)
            parsed, failed = future.result()
            stats.parsed, stats.failed, done = stats.parsed + parsed, stats.failed + failed, done + rows
            if progress:
                progress("parse", done, total)
            submit_next()
    return stats


def clean_dir(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)

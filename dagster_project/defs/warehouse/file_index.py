"""The file index: the stat signature (size, mtime, inode) and sha256 of every file the warehouse holds.

It lets an ingest skip what did not change without reading it. Discovery hashes a file only when its
signature differs from the index (a new file, an edited one, or one replaced by a rename, which changes
the inode even when size and mtime are kept). And `nianbao ingest` reads the index before it starts
Dagster or any worker: when every file under the given folders matches it and the published snapshot is
the warehouse state the index was written for, there is nothing to do.

It is a cache beside the warehouse (`.<stem>.files.json`), rewritten after every load, and never the
truth: a missing, damaged or stale index only costs hashing, because discovery then falls back to the
sizes and mtimes recorded in `core.ingest_files` and to the recorded sha256.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import orjson

FORMAT = 1
Signature = tuple[int, int, int]  # size_bytes, mtime_ns, inode


@dataclass
class FileIndex:
    files: dict[str, list] = field(default_factory=dict)  # display path -> [size, mtime_ns, inode, sha256]
    warehouse_version: int | None = None
    last_ingest_at: str | None = None  # with the version, identifies the warehouse state it describes

    def unchanged(self, path: str, signature: Signature) -> bool | None:
        """True / False when the index knows `path`; None when it does not."""
        entry = self.files.get(path)
        if entry is None:
            return None
        return tuple(entry[:3]) == signature

    def sha256(self, path: str) -> str | None:
        entry = self.files.get(path)
        return entry[3] if entry else None


def index_path(db_path: Path) -> Path:
    return db_path.with_name(f".{db_path.stem}.files.json")


def read_index(db_path: Path) -> FileIndex:
    """The index beside the warehouse; empty when it is missing or unreadable (it is only a cache)."""
    try:
        data = orjson.loads(index_path(db_path).read_bytes())
        if data.get("format") != FORMAT:
            return FileIndex()
        return FileIndex(data["files"], data["warehouse_version"], data["last_ingest_at"])
    except (OSError, orjson.JSONDecodeError, KeyError, TypeError, AttributeError):
        return FileIndex()


def _under(path: str, roots: Iterable[str]) -> bool:
    return any(path == root or path.startswith(root.rstrip("/") + "/") for root in roots)


def write_index(
    db_path: Path,
    previous: FileIndex,
    roots: list[str],
    scanned: dict[str, list],
    warehouse_version: int,
    last_ingest_at: str | None,
) -> None:
    """Replace the index: this run's files under `roots`, and the previous entries outside them (folders
    ingested by other runs). Files under `roots` that were not scanned are gone and leave the index.

    Written to a temporary file and renamed, so a reader sees the old or the new index, never half of one.
    """
    files = {path: entry for path, entry in previous.files.items() if not _under(path, roots)}
    files.update(scanned)
    target = index_path(db_path)
    tmp = target.with_name(f"{target.name}.tmp-{os.getpid()}")
    payload = {
        "format": FORMAT,
        "warehouse_version": warehouse_version,
        "last_ingest_at": last_ingest_at,
        "files": files,
    }
    try:
        tmp.write_bytes(orjson.dumps(payload))
        os.replace(tmp, target)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink()
        with contextlib.suppress(OSError):
            target.unlink()  # better no index than a stale one


def count_changes(paths: list[str], db_path: Path, limit: int) -> tuple[int, int, int] | None:
    """(files seen, files changed, warehouse version) when the index describes the published snapshot,
    else None. Changed files are new or differ from the index; counting stops at `limit` + 1 (then not
    every file was seen). Nothing changed: there is nothing to ingest. Reads the index and stats every
    file; opens no database, reads no file's bytes.

    A file that could not be read is never in the index, and a folder that cannot be listed stops the
    check: both are tried again by the job on every run.
    """
    from nianbao import warehouse as wh

    from .walk import display_path, scan

    info = wh.snapshot_info(db_path)
    if info is None or not db_path.exists() or not all(os.path.lexists(p) for p in paths):
        return None  # a missing path is an error the job reports
    index = read_index(db_path)
    state = (index.warehouse_version, index.last_ingest_at)
    if index.warehouse_version is None or state != (info.get("version"), info.get("last_ingest_at")):
        return None
    unlisted: list[bytes] = []  # a folder that cannot be listed is tried again by the job, every run
    seen = changed = 0
    for raw, size, mtime_ns, inode in scan(paths, on_error=lambda folder, _exc: unlisted.append(folder)):
        if unlisted:
            return None
        seen += 1
        if not index.unchanged(display_path(raw), (size, mtime_ns, inode)):
            changed += 1
            if changed > limit:
                break
    return None if unlisted else (seen, changed, index.warehouse_version)

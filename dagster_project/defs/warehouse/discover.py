"""Find the files to ingest: walk the inputs, skip what the warehouse already holds, hash the rest.

A file is skipped without being read when its path, size and mtime match the recorded version, and without
being parsed when its bytes hash to the recorded sha256 (touched but unchanged). Files whose bytes equal a
file seen before (or earlier in this batch) are marked `same_sha` and never parsed.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from .loader import KnownFiles

# Never reports: the demo generator's manifest, editor/OS droppings, partial downloads.
IGNORED_NAMES = frozenset({"manifest.csv", "Thumbs.db", ".DS_Store"})
IGNORED_SUFFIXES = (".part", ".crdownload", ".tmp", ".swp")

CANDIDATE_SCHEMA = pa.schema(
    [
        ("path", pa.string()),  # display path (UTF-8; undecodable bytes shown as \\x escapes)
        ("raw_path", pa.binary()),  # the bytes to open
        ("size_bytes", pa.int64()),
        ("mtime_ns", pa.int64()),
        ("sha256", pa.string()),
        ("action", pa.string()),  # parse | same_sha | vanished
        ("same_sha_as", pa.string()),
    ]
)


@dataclass
class DiscoverStats:
    files_seen: int = 0
    unchanged: int = 0
    to_parse: int = 0
    same_sha: int = 0
    vanished: int = 0

    @property
    def candidates(self) -> int:
        return self.to_parse + self.same_sha + self.vanished


def display_path(raw: bytes) -> str:
    """A UTF-8 string for any path bytes (non-UTF-8 names keep their bytes visible as escapes)."""
    return raw.decode("utf-8", "backslashreplace")


def is_ignored(name: bytes) -> bool:
    text = name.decode("utf-8", "replace")
    return text.startswith((".", "~$")) or text in IGNORED_NAMES or text.endswith(IGNORED_SUFFIXES)


def scan(paths: Iterable[str | os.PathLike[str]]) -> Iterator[tuple[bytes, int, int]]:
    """(absolute path bytes, size, mtime_ns) of every regular file under `paths`, sorted, no symlinks."""
    for root in sorted({os.fsencode(os.path.abspath(p)) for p in paths}):
        if os.path.isfile(root) and not os.path.islink(root):
            st = os.stat(root)
            yield root, st.st_size, st.st_mtime_ns
            continue
        stack = [root]
        while stack:
            directory = stack.pop()
            try:
                entries = sorted(os.scandir(directory), key=lambda e: e.name)
            except (FileNotFoundError, NotADirectoryError, PermissionError):
                continue
            subdirs = []
            for entry in entries:
                if is_ignored(entry.name):
                    continue
                if entry.is_dir(follow_symlinks=False):
                    subdirs.append(entry.path)
                elif entry.is_file(follow_symlinks=False):
                    try:
                        st = entry.stat(follow_symlinks=False)
                    except FileNotFoundError:
                        continue
                    yield entry.path, st.st_size, st.st_mtime_ns
            stack.extend(reversed(subdirs))


def sha256_file(raw_path: bytes) -> str:
    digest = hashlib.sha256()
    with open(raw_path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def discover(
    paths: Iterable[str | os.PathLike[str]], known: KnownFiles, out_file: Path, progress=None
) -> DiscoverStats:
    """Write the candidate files (CANDIDATE_SCHEMA) to `out_file` and return the counts."""
    stats = DiscoverStats()
    rows: dict[str, list] = {name: [] for name in CANDIDATE_SCHEMA.names}
    batch_shas: dict[str, str] = {}
    for raw, size, mtime_ns in scan(paths):
        stats.files_seen += 1
        if progress and stats.files_seen % 1000 == 0:
            progress("scan", stats.files_seen, None)
        path = display_path(raw)
        recorded = known.by_path.get(path)
        if recorded and recorded[0] == size and recorded[1] == mtime_ns:
            stats.unchanged += 1
            continue
        try:
            sha = sha256_file(raw)
        except (FileNotFoundError, PermissionError, IsADirectoryError):
            unread = hashlib.sha256(b"%s|%d|%d" % (raw, size, mtime_ns)).hexdigest()[:16]
            action, sha, same_as = "vanished", f"unread:{unread}", None
            stats.vanished += 1
        else:
            if recorded and recorded[2] == sha:
                stats.unchanged += 1
                continue
            if sha in known.shas or sha in batch_shas:
                action, same_as = "same_sha", batch_shas.get(sha)
                stats.same_sha += 1
            else:
                action, same_as = "parse", None
                batch_shas[sha] = path
                stats.to_parse += 1
        for name, value in zip(
            CANDIDATE_SCHEMA.names, (path, raw, size, mtime_ns, sha, action, same_as), strict=True
        ):
            rows[name].append(value)
    out_file.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pydict(rows, schema=CANDIDATE_SCHEMA), out_file)
    return stats

"""Find the files to ingest: walk the inputs, skip what the warehouse already holds, hash the rest.

A file is skipped without being read when its stat signature (size, mtime, inode) matches the file index
(`file_index`; for a path the index does not know, size and mtime recorded in the warehouse), and without
being parsed when its bytes hash to the recorded sha256 (touched but unchanged). Files whose bytes equal a
file seen before (or earlier in this batch) are marked `same_sha` and never parsed.

What cannot be read is recorded, never dropped: a file without read permission (or that is not a regular
file) is `unreadable` with its reason, a folder that cannot be listed gets a row and a warning, and both are
tried again on every run, as a fixed permission does not change a file's size or mtime. Their rows carry a
placeholder key `unread:<hash>` instead of a sha256; once the path is read, its real row replaces the
placeholder. Files that are not reports at all (spreadsheets, images, data files) are `ignored`, by name.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from transforms.readers import open_regular

from .file_index import FileIndex
from .loader import KnownFiles
from .parse import read_failure
from .walk import check_paths, display_path, scan

__all__ = ["discover", "display_path", "scan"]

# Not a report format at all, by extension: accounted as `ignored` with this reason, never read or parsed.
# (A report saved under a wrong name is still found by content: .txt/.htm/.pdf/.docx and names without
# one of these extensions are read. Old .doc files are reports in a format we cannot read: quarantined.)
NOT_REPORTS = {
    **dict.fromkeys((".xls", ".xlsx", ".xlsm", ".ods", ".csv", ".tsv", ".numbers"), "spreadsheet"),
    **dict.fromkeys((".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".webp", ".heic"), "image"),
    **dict.fromkeys((".json", ".yaml", ".yml", ".parquet", ".duckdb", ".db", ".sqlite"), "data file"),
    **dict.fromkeys((".zip", ".rar", ".7z", ".gz", ".tar", ".bz2", ".xz"), "archive (unpack it first)"),
    **dict.fromkeys((".mp3", ".mp4", ".mov", ".avi", ".wav"), "audio or video"),
    **dict.fromkeys((".ppt", ".pptx", ".exe", ".dll", ".lnk", ".ini"), "not a document format"),
}
PLACEHOLDER = "unread:"

CANDIDATE_SCHEMA = pa.schema(
    [
        ("path", pa.string()),  # display path (UTF-8; undecodable bytes shown as \\x escapes)
        ("raw_path", pa.binary()),  # the bytes to open
        ("size_bytes", pa.int64()),
        ("mtime_ns", pa.int64()),
        ("sha256", pa.string()),
        ("action", pa.string()),  # parse | same_sha | vanished | unreadable | ignored | resolved
        ("same_sha_as", pa.string()),
        ("reason", pa.string()),  # unreadable / ignored: reason code
        ("detail", pa.string()),  # unreadable / ignored: in words
    ]
)


@dataclass
class DiscoverStats:
    files_seen: int = 0
    unchanged: int = 0
    to_parse: int = 0
    same_sha: int = 0
    vanished: int = 0
    unreadable: int = 0
    ignored: int = 0
    resolved: int = 0  # placeholders of paths read at last (not files seen)
    warnings: list[str] = field(default_factory=list)
    # display path -> [size, mtime_ns, inode, sha256 or placeholder] of every file known or read (not of
    # what could not be read: that is tried again): the file index once this batch is loaded
    signatures: dict[str, list] = field(default_factory=dict, repr=False)

    @property
    def candidates(self) -> int:
        return self.to_parse + self.same_sha + self.vanished + self.unreadable + self.ignored


def not_a_report(name: bytes) -> str | None:
    """What the file is, when its extension says it cannot be a report (see NOT_REPORTS), else None."""
    suffix = os.path.splitext(name.decode("utf-8", "replace"))[1].lower()
    return NOT_REPORTS.get(suffix)


def sha256_file(raw_path: bytes) -> str:
    digest = hashlib.sha256()
    with open_regular(raw_path) as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def placeholder_key(raw: bytes, size: int, mtime_ns: int) -> str:
    """The stand-in for a sha256 of bytes that were not read: stable while the file does not change."""
    return PLACEHOLDER + hashlib.sha256(b"%s|%d|%d" % (raw, size, mtime_ns)).hexdigest()[:16]


def unchanged_by_stat(
    path: str, signature: tuple[int, int, int], index: FileIndex, known: KnownFiles
) -> str | None:
    """The sha256 of a file that did not change since it was recorded, judged by its stat alone; else None.

    The index knows size, mtime and inode; for a path it does not know (no index yet, or a warehouse made
    before it existed) the size and mtime recorded in `core.ingest_files` decide, unless what is recorded
    is a placeholder (a file that could not be read is tried again).
    """
    verdict = index.unchanged(path, signature)
    if verdict is not None:
        return index.sha256(path) if verdict else None
    recorded = known.by_path.get(path)
    if (
        recorded
        and recorded[0] == signature[0]
        and recorded[1] == signature[1]
        and not recorded[2].startswith(PLACEHOLDER)
    ):
        return recorded[2]
    return None


def discover(
    paths: Iterable[str | os.PathLike[str]],
    known: KnownFiles,
    out_file: Path,
    progress=None,
    index: FileIndex | None = None,
) -> DiscoverStats:
    """Write the candidate files (CANDIDATE_SCHEMA) to `out_file` and return the counts."""
    paths = list(paths)
    check_paths(paths)
    index = index or FileIndex()
    stats = DiscoverStats()
    rows: dict[str, list] = {name: [] for name in CANDIDATE_SCHEMA.names}
    batch_shas: dict[str, str] = {}

    def add(
        path: str, raw: bytes, size: int, mtime_ns: int, sha: str, action: str, **extra: str | None
    ) -> None:
        row = {"path": path, "raw_path": raw, "size_bytes": size, "mtime_ns": mtime_ns, "sha256": sha,
               "action": action, "same_sha_as": None, "reason": None, "detail": None, **extra}  # fmt: skip
        for name in CANDIDATE_SCHEMA.names:
            rows[name].append(row[name])

    def unlisted(raw: bytes, exc: OSError) -> None:
        path = display_path(raw)
        stats.files_seen += 1
        stats.warnings.append(f"cannot read folder {path}: {exc.strerror}; the files in it were not seen")
        key = placeholder_key(raw, 0, 0)
        if known.by_path.get(path, (0, 0, ""))[2] == key:
            stats.unchanged += 1
            return
        stats.unreadable += 1
        detail = f"文件夹无法读取 / cannot read this folder ({exc.strerror}): the files in it were not seen"
        add(path, raw, 0, 0, key, "unreadable", reason="permission_denied", detail=detail)

    for raw, size, mtime_ns, inode in scan(paths, on_error=unlisted):
        stats.files_seen += 1
        if progress and stats.files_seen % 1000 == 0:
            progress("scan", stats.files_seen, None)
        path = display_path(raw)
        recorded = known.by_path.get(path)
        same = unchanged_by_stat(path, (size, mtime_ns, inode), index, known)
        if same is not None:
            stats.unchanged += 1
            stats.signatures[path] = [size, mtime_ns, inode, same]
            continue
        what = not_a_report(os.path.basename(raw))
        if what:
            sha = placeholder_key(raw, size, mtime_ns)
            stats.signatures[path] = [size, mtime_ns, inode, sha]
            if recorded and recorded[2] == sha:
                stats.unchanged += 1
                continue
            stats.ignored += 1
            add(path, raw, size, mtime_ns, sha, "ignored", reason="not_a_report",
                detail=f"不是年报格式 / not a report format: {what}")  # fmt: skip
            continue
        try:
            sha = sha256_file(raw)
        except OSError as exc:
            sha = placeholder_key(raw, size, mtime_ns)
            if recorded and recorded[2] == sha:  # tried again, still unreadable: nothing new
                stats.unchanged += 1
                continue
            action, reason, detail = read_failure(exc)
            setattr(stats, action, getattr(stats, action) + 1)
            add(path, raw, size, mtime_ns, sha, action, reason=reason, detail=detail)
            continue
        stats.signatures[path] = [size, mtime_ns, inode, sha]
        if recorded and recorded[2].startswith(PLACEHOLDER):
            stats.resolved += 1  # read at last: the placeholder row goes, the real outcome follows
            add(path, raw, size, mtime_ns, recorded[2], "resolved")
        if recorded and recorded[2] == sha:
            stats.unchanged += 1
            continue
        if sha in known.shas or sha in batch_shas:
            stats.same_sha += 1
            add(path, raw, size, mtime_ns, sha, "same_sha", same_sha_as=batch_shas.get(sha))
        else:
            batch_shas[sha] = path
            stats.to_parse += 1
            add(path, raw, size, mtime_ns, sha, "parse")
    _resolve_folders(known, stats, add)
    out_file.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pydict(rows, schema=CANDIDATE_SCHEMA), out_file)
    return stats


def _resolve_folders(known: KnownFiles, stats: DiscoverStats, add: Callable[..., None]) -> None:
    """Folders recorded as unreadable that can be listed now: their placeholder rows go."""
    for path, (_size, _mtime, key) in known.by_path.items():
        raw = os.fsencode(path)
        if key != placeholder_key(raw, 0, 0) or not os.path.isdir(raw):
            continue
        try:
            with os.scandir(raw):
                pass
        except OSError:
            continue
        stats.resolved += 1
        add(path, raw, 0, 0, key, "resolved")

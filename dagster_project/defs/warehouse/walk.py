"""Walk the inputs of an ingest: every regular file under the given paths with its stat signature.

Kept apart from discovery (which hashes, and writes Parquet) so that what only needs the walk — the inbox
sensor, `nianbao ingest` checking that nothing changed — imports neither DuckDB nor Arrow.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable, Iterable, Iterator

# Never reports, and transient: the demo generator's manifest, editor/OS droppings, partial downloads. No row.
IGNORED_NAMES = frozenset({"manifest.csv", "Thumbs.db", ".DS_Store"})
IGNORED_SUFFIXES = (".part", ".crdownload", ".tmp", ".swp")


def display_path(raw: bytes) -> str:
    """A UTF-8 string for any path bytes (non-UTF-8 names keep their bytes visible as escapes)."""
    return raw.decode("utf-8", "backslashreplace")


def check_paths(paths: Iterable[str | os.PathLike[str]]) -> None:
    """Raise FileNotFoundError naming the first input that does not exist (a typo must not look like an
    empty inbox)."""
    for path in paths:
        if not os.path.lexists(path):
            raise FileNotFoundError(errno.ENOENT, "no such file or folder", os.fspath(path))


def is_ignored(name: bytes) -> bool:
    text = name.decode("utf-8", "replace")
    return text.startswith((".", "~$")) or text in IGNORED_NAMES or text.endswith(IGNORED_SUFFIXES)


def scan(
    paths: Iterable[str | os.PathLike[str]], on_error: Callable[[bytes, OSError], None] | None = None
) -> Iterator[tuple[bytes, int, int, int]]:
    """(absolute path bytes, size, mtime_ns, inode) of every regular file under `paths`, sorted, no
    symlinks.

    A folder that cannot be listed is passed to `on_error` (it used to vanish silently).
    """
    for root in sorted({os.fsencode(os.path.abspath(p)) for p in paths}):
        if os.path.isfile(root) and not os.path.islink(root):
            st = os.stat(root)
            yield root, st.st_size, st.st_mtime_ns, st.st_ino
            continue
        stack = [root]
        while stack:
            directory = stack.pop()
            try:
                entries = sorted(os.scandir(directory), key=lambda e: e.name)
            except (FileNotFoundError, NotADirectoryError):
                continue
            except OSError as exc:
                if on_error:
                    on_error(directory, exc)
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
                    yield entry.path, st.st_size, st.st_mtime_ns, st.st_ino
            stack.extend(reversed(subdirs))

"""Tables built once per machine and read back by every later process.

Why: the activity gazetteer merges tens of thousands of names from GeoNames, ISO 3166-2, cpca and stdnum into
one automaton; building it costs about a second, loading the pickled result a few tens of milliseconds. The
key is a digest of everything the table is built from (the project's data files, the versions of the
packages that supply names, and the builder's own version), so a changed source can never serve a stale
table. Where the cache folder cannot be written the table is simply built in memory.

Every change of a source makes a new file, so files of versions no longer in use are removed: a file read
back is touched (at most once a day), and when a table is written, the files of its name not touched for
`STALE_AFTER_DAYS` go (also any temporary file a writer killed mid-write left). Two checkouts of different
versions sharing the folder each keep their own files.

The folder is $NIANBAO_CACHE_DIR, else $XDG_CACHE_HOME/nianbao, else ~/.cache/nianbao.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import pickle
import re
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

STALE_AFTER_DAYS = 30
_DAY = 24 * 3600


def cache_dir() -> Path:
    explicit = os.environ.get("NIANBAO_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "nianbao"


def source_key(version: str, files: Iterable[Path], packages: Iterable[str]) -> str:
    """A digest of a builder's version, its data files' bytes and its source packages' versions."""
    digest = hashlib.sha256(version.encode())
    for path in sorted(files):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    for package in sorted(packages):
        digest.update(f"{package}={installed_version(package)}".encode())
    return digest.hexdigest()[:24]


def installed_version(distribution: str) -> str:
    """The installed version of a distribution (a PyPI name), as importlib.metadata.version gives it.

    Read from the name of its `name-version.dist-info` folder (the wheel format, PEP 427), which is what
    every installer writes: importing importlib.metadata costs 20-40 ms, a tenth of a one-file
    `nianbao extract`. Anything else (an .egg-info install) is asked of importlib.metadata.
    """
    version = _dist_info_versions().get(_normalized(distribution))
    if version is None:
        from importlib import metadata

        version = metadata.version(distribution)
    return version


def _normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


@functools.cache
def _dist_info_versions() -> dict[str, str]:
    """{normalized distribution name: version} of the .dist-info folders on sys.path, first one winning as
    on import."""
    versions: dict[str, str] = {}
    for folder in sys.path:
        try:
            names = os.listdir(folder or ".")
        except OSError:
            continue
        for name in names:
            stem = name.removesuffix(".dist-info")
            if stem != name and stem.count("-") == 1:
                distribution, version = stem.split("-")
                versions.setdefault(_normalized(distribution), version)
    return versions


def cached(name: str, key: str, build: Callable[[], T]) -> T:
    """`build()`'s result, pickled under `name`-`key` in the cache folder and loaded from there next time."""
    path = cache_dir() / f"{name}-{key}.pickle"
    try:
        return _load(path)
    except Exception:  # absent, unreadable, or written by another version of the code, whose classes may
        pass  # differ in shape, so that unpickling raises anything: rebuild
    value = build()
    with contextlib.suppress(OSError):  # a read-only home or a full disk: the table works, built in memory
        store(name, key, value)
    return value


def store(name: str, key: str, value: object, folder: Path | None = None) -> None:
    """Write `value` as `name`-`key` (replacing what is there) in `folder` (default: `cache_dir()`), and
    remove the stale versions of `name`."""
    path = (folder or cache_dir()) / f"{name}-{key}.pickle"
    path.parent.mkdir(parents=True, exist_ok=True)
    _store(value, path)
    _remove_stale(path.parent, name, keep=path)


def _load(path: Path) -> Any:
    with path.open("rb") as fh:
        value = pickle.load(fh)
        touched = os.fstat(fh.fileno()).st_mtime
    if time.time() - touched > _DAY:
        with contextlib.suppress(OSError):
            os.utime(path)  # in use: not stale
    return value


def _store(value: object, path: Path) -> None:
    """Written to a temporary file, then renamed: a concurrent reader sees the old file or the whole new one.
    The temporary file is removed whatever stops the write (a full disk, a value that cannot be pickled)."""
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name)
    try:
        with os.fdopen(descriptor, "wb") as fh:
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _remove_stale(folder: Path, name: str, keep: Path) -> None:
    """Files (and leftover temporary files) of `name` not touched for STALE_AFTER_DAYS."""
    cutoff = time.time() - STALE_AFTER_DAYS * _DAY
    for candidate in folder.glob(f"{name}-*.pickle*"):
        with contextlib.suppress(OSError):
            if candidate != keep and candidate.stat().st_mtime < cutoff:
                candidate.unlink()

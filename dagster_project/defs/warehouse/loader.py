"""Write side of the warehouse: the only code that opens data/warehouse.duckdb read-write.

Crash safety: one run's changes are ONE DuckDB transaction (`load_batch`); a process killed before COMMIT
leaves the file as it was (DuckDB discards uncommitted work on reopen). Readers never see the live file:
`publish` CHECKPOINTs, copies it to a temp file beside the snapshot and `os.replace`s it into place, so the
snapshot is always the previous or the next complete state. An exclusive `flock` on `<warehouse>.lock`
serialises writers across processes (CLI and Dagster daemon alike), on top of the Dagster pool.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO

import duckdb

from nianbao import warehouse as wh
from transforms.activities import learn_partner_localities
from transforms.tables import TABLE_SCHEMAS

from .countries import country_table

SQL_DIR = Path(__file__).parent / "sql"
SCHEMA_SQL = Path(__file__).parents[2] / "sql" / "schema.sql"
STAGING_TABLES = tuple(TABLE_SCHEMAS)
WRITER_MEMORY_LIMIT = "1GB"


def _sql(name: str) -> str:
    return (SQL_DIR / name).read_text(encoding="utf-8")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


# ---------------------------------------------------------------------------------------------------------
# Lock and connection
# ---------------------------------------------------------------------------------------------------------


@contextlib.contextmanager
def writer_lock(path: Path, timeout_s: float = 3600.0) -> Iterator[None]:
    """Exclusive advisory lock on `<warehouse>.lock`; released by the OS if the process dies."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lock_path = path.with_name(path.name + ".lock")
    with open(lock_path, "a+") as handle:
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"another ingest holds {lock_path}") from None
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# Run locks this process holds: lock file -> (run id, open handle). One ingest run at a time per warehouse,
# from discovery to publish, across processes (CLI, Dagster daemon runs, the webserver's launches).
_RUN_LOCKS: dict[Path, tuple[str, IO[str]]] = {}


def acquire_run_lock(path: Path, run_id: str, on_wait: Callable[[str], None] | None = None) -> None:
    """Hold `<warehouse>.run.lock` for `run_id` until `release_run_lock` (or this process ends).

    A second ingest waits here, saying so through `on_wait`, and then discovers only what the first one left.
    Steps of one run call this again (a no-op); a new run in a process whose previous run failed before
    releasing takes the lock over, as runs in one process run one after the other.
    """
    lock_path = path.with_name(path.name + ".run.lock")
    if lock_path in _RUN_LOCKS:
        _RUN_LOCKS[lock_path] = (run_id, _RUN_LOCKS[lock_path][1])
        return
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(lock_path, "a+")  # noqa: SIM115 -- kept open while the lock is held
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            if on_wait:
                on_wait(f"another ingest into {path} is running ({holder}); waiting for it to finish")
            fcntl.flock(handle, fcntl.LOCK_EX)
            if on_wait:
                on_wait("the other ingest has finished; ingesting what it left")
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}, run {run_id}, since {utcnow().isoformat()}Z")
        handle.flush()
    except BaseException:
        handle.close()
        raise
    _RUN_LOCKS[lock_path] = (run_id, handle)


def release_run_lock(path: Path, run_id: str | None = None) -> None:
    """Release the run lock if this process holds it (for `run_id`, or for any run when None)."""
    lock_path = path.with_name(path.name + ".run.lock")
    held = _RUN_LOCKS.get(lock_path)
    if held is None or (run_id is not None and held[0] != run_id):
        return
    del _RUN_LOCKS[lock_path]
    with contextlib.suppress(OSError):
        held[1].truncate(0)
    fcntl.flock(held[1], fcntl.LOCK_UN)
    held[1].close()


@contextlib.contextmanager
def open_writer(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """Read-write connection with the schema applied. Call inside `writer_lock`.

    A new warehouse is created in the storage format of `SNAPSHOT_STORAGE_VERSION`, and DuckDB keeps writing
    a file in the format it was created in, so every published copy opens in the DuckDB releases users have.
    A warehouse created in a newer format (before this rule) is converted once.
    """
    config = {
        "memory_limit": WRITER_MEMORY_LIMIT,
        "storage_compatibility_version": wh.SNAPSHOT_STORAGE_VERSION,
    }
    con = duckdb.connect(str(path), config=config)
    try:
        if _storage_version(con) != wh.SNAPSHOT_STORAGE_VERSION:
            con.close()
            _convert_storage(path)
            con = duckdb.connect(str(path), config=config)
        apply_schema(con)
        yield con
    finally:
        con.close()


def _storage_version(con: duckdb.DuckDBPyConnection) -> str:
    tags = con.execute(
        "SELECT tags FROM duckdb_databases() WHERE database_name = current_database()"
    ).fetchall()
    return str(tags[0][0].get("storage_version", "")).rstrip("+")


def _convert_storage(path: Path) -> None:
    """Rewrite the warehouse in SNAPSHOT_STORAGE_VERSION (tables, views, comments) and swap it in."""
    wal = path.with_name(path.name + ".wal")
    if wal.exists() and wal.stat().st_size:
        raise RuntimeError(f"{wal} still holds changes; not converting {path}")
    tmp = path.with_name(f".{path.name}.convert-{os.getpid()}")
    tmp.unlink(missing_ok=True)
    con = duckdb.connect(config={"memory_limit": WRITER_MEMORY_LIMIT})
    try:
        con.execute(f"ATTACH {_quote(str(path))} AS old (READ_ONLY)")
        con.execute(
            f"ATTACH {_quote(str(tmp))} AS new (STORAGE_VERSION {_quote(wh.SNAPSHOT_STORAGE_VERSION)})"
        )
        con.execute("COPY FROM DATABASE old TO new")
        con.execute("DETACH new")
    finally:
        con.close()
    _fsync(tmp)
    os.replace(tmp, path)


def apply_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create what is missing (idempotent) and give every view column its table column's comment."""
    if _schema_is_current(con):
        return
    con.execute("BEGIN")
    try:
        con.execute(SCHEMA_SQL.read_text(encoding="utf-8"))
        for view, source_schema, comment in con.execute(
            """
            SELECT v.view_name, t.schema_name, t.comment FROM duckdb_views() v
            JOIN duckdb_tables() t ON t.table_name = v.view_name AND t.schema_name IN ('core', 'marts')
            WHERE v.schema_name = 'main' AND NOT v.internal AND t.database_name = current_database()
            """
        ).fetchall():
            con.execute(f"COMMENT ON VIEW main.{view} IS {_quote(comment)}")
            for column, col_comment in con.execute(
                "SELECT column_name, comment FROM duckdb_columns() WHERE schema_name = ? AND table_name = ?"
                " AND database_name = current_database() AND comment IS NOT NULL",
                [source_schema, view],
            ).fetchall():
                con.execute(f'COMMENT ON COLUMN main.{view}."{column}" IS {_quote(col_comment)}')
        con.execute(f"COMMENT ON VIEW main.overview IS {_quote(_schema_marker())}")
        con.execute("COMMIT")
    except Exception:
        _rollback(con)
        raise


def _schema_marker() -> str:
    import hashlib

    digest = hashlib.sha256(SCHEMA_SQL.read_bytes()).hexdigest()[:16]
    return f"概览(一行) / Overview, one row [schema {digest}]"


def _schema_is_current(con: duckdb.DuckDBPyConnection) -> bool:
    row = con.execute(
        "SELECT comment FROM duckdb_views() WHERE schema_name = 'main' AND view_name = 'overview'"
        " AND database_name = current_database()"
    ).fetchall()
    return bool(row) and row[0][0] == _schema_marker()


def _quote(text: str | None) -> str:
    return "NULL" if text is None else "'" + text.replace("'", "''") + "'"


def _iso_z(moment: dt.datetime | None) -> str | None:
    """A UTC timestamp as the snapshot info JSON writes it."""
    return moment.isoformat() + "Z" if moment else None


def ingest_state(path: Path) -> tuple[int, str | None]:
    """(warehouse version, last_ingest_at) as `publish` will write them into the snapshot info."""
    with writer_lock(path), open_writer(path) as con:
        last = con.execute("SELECT max(finished_at) FROM core.ingest_runs").fetchall()[0][0]
        return warehouse_version(con), _iso_z(last)


def warehouse_version(con: duckdb.DuckDBPyConnection) -> int:
    return int(
        con.execute("SELECT coalesce(max(warehouse_version), 0) FROM core.ingest_runs").fetchall()[0][0]
    )


# ---------------------------------------------------------------------------------------------------------
# Known files (for discovery: skip what was seen, without reading it)
# ---------------------------------------------------------------------------------------------------------


@dataclass
class KnownFiles:
    by_path: dict[str, tuple[int, int, str]]  # path -> (size, mtime_ns, sha256) of its latest version
    shas: set[str]

    @classmethod
    def empty(cls) -> KnownFiles:
        return cls({}, set())


KNOWN_LOCALITIES_SQL = """
    SELECT name, country_code FROM core.partner_localities WHERE country_code IS NOT NULL ORDER BY 1, 2
"""


def known_localities(path: Path) -> dict[str, str]:
    """The partner localities the warehouse already knows with their country, as the extractor takes them.

    A report that writes "赴X市" without the country then resolves X市 because an earlier report (of any
    institution) wrote it after its country. One vote per (name, country) row; a name claimed by two
    countries is dropped by `learn_partner_localities` rather than guessed.
    """
    if not path.exists():
        return {}
    with open_writer(path) as con:
        rows = con.execute(KNOWN_LOCALITIES_SQL).fetchall()
    return learn_partner_localities([[{"localities": [{"name": n, "country": c} for n, c in rows]}]])


def known_files(path: Path) -> KnownFiles:
    """Every (path, size, mtime, sha) already recorded; empty if the warehouse does not exist yet."""
    if not path.exists():
        return KnownFiles.empty()
    with open_writer(path) as con:
        table = con.sql(
            """
            SELECT path, size_bytes, mtime_ns, sha256 FROM core.ingest_files
            ORDER BY path, first_seen_at, mtime_ns
            """
        ).to_arrow_table()
    cols = table.to_pydict()
    by_path = {
        p: (s, m, h)
        for p, s, m, h in zip(cols["path"], cols["size_bytes"], cols["mtime_ns"], cols["sha256"], strict=True)
    }
    return KnownFiles(by_path, set(cols["sha256"]))


# ---------------------------------------------------------------------------------------------------------
# Load: staging Parquet -> core + marts + data_quality, one transaction
# ---------------------------------------------------------------------------------------------------------


@dataclass
class LoadStats:
    run_id: str
    warehouse_version: int
    files_new: int = 0
    loaded: int = 0
    duplicate: int = 0
    superseded: int = 0
    quarantined: int = 0
    ignored: int = 0
    previously_loaded_superseded: int = 0
    placeholders_resolved: int = 0
    changed: bool = False

    def as_dict(self) -> dict:
        return asdict(self)


def load_batch(path: Path, work_dir: Path, run_id: str, started_at: dt.datetime | None = None) -> LoadStats:
    """Merge the batch in `work_dir/<table>/*.parquet` into the warehouse in one transaction.

    Nothing to load (no files rows) -> no transaction, `changed=False`. Idempotent: files already recorded
    (path + sha256) are dropped from the batch, so loading the same batch twice changes nothing.
    """
    present = [t for t in STAGING_TABLES if any((work_dir / t).glob("*.parquet"))]
    with writer_lock(path), open_writer(path) as con:
        version = warehouse_version(con)
        stats = LoadStats(run_id=run_id, warehouse_version=version)
        if "files" not in present:
            return stats
        now = utcnow()
        con.execute("BEGIN")
        try:
            for table in STAGING_TABLES:
                con.execute(f"DELETE FROM staging.{table}")
            for table in present:
                con.execute(
                    f"INSERT INTO staging.{table} BY NAME SELECT * FROM read_parquet(?)",
                    [str(work_dir / table / "*.parquet")],
                )
            con.execute("SET VARIABLE run_id = ?", [run_id])
            con.execute("SET VARIABLE now = ?::TIMESTAMP", [now])
            con.execute(_sql("rejoin.sql"))
            con.execute(_sql("load.sql"))
            counts = dict(con.execute("SELECT outcome, count(*) FROM batch_outcome GROUP BY ALL").fetchall())
            stats.files_new = sum(counts.values())
            stats.loaded = counts.get("loaded", 0)
            stats.duplicate = counts.get("duplicate", 0)
            stats.superseded = counts.get("superseded", 0)
            stats.quarantined = counts.get("quarantined", 0)
            stats.ignored = counts.get("ignored", 0)
            stats.placeholders_resolved = con.execute("SELECT count(*) FROM resolved").fetchall()[0][0]
            stats.previously_loaded_superseded = con.execute(
                "SELECT count(*) FROM newly_superseded"
            ).fetchall()[0][0]
            if stats.files_new or stats.placeholders_resolved:
                stats.warehouse_version = version + 1
                stats.changed = True
                con.execute("SET VARIABLE warehouse_version = ?", [stats.warehouse_version])
                _load_countries(con)
                con.execute(_sql("derive.sql"))
                con.execute(_sql("marts.sql"))
                con.execute(_sql("quality.sql"))
                con.execute(
                    """
                    INSERT INTO core.ingest_runs VALUES ($run_id, $version, $started, $now, $files_new,
                        $loaded, $duplicate, $superseded, $quarantined, $prev)
                    """,
                    {
                        "run_id": run_id, "version": stats.warehouse_version, "started": started_at or now,
                        "now": now, "files_new": stats.files_new, "loaded": stats.loaded,
                        "duplicate": stats.duplicate, "superseded": stats.superseded,
                        "quarantined": stats.quarantined, "prev": stats.previously_loaded_superseded,
                    },
                )  # fmt: skip
            for table in STAGING_TABLES:
                con.execute(f"DELETE FROM staging.{table}")
            con.execute("COMMIT")
        except BaseException:
            _rollback(con)
            raise
    return stats


def _load_countries(con: duckdb.DuckDBPyConnection) -> None:
    """Refresh the country names table (a few hundred rows) from its data sources."""
    con.register("country_source", country_table())
    try:
        con.execute("DELETE FROM core.countries")
        con.execute("INSERT INTO core.countries BY NAME SELECT * FROM country_source")
    finally:
        con.unregister("country_source")


def latest_quality(path: Path) -> list[dict]:
    """The latest row of every data-quality check (marts.quality_summary)."""
    if not path.exists():
        return []
    with writer_lock(path), open_writer(path) as con:
        table = con.sql("SELECT * FROM marts.quality_summary ORDER BY check_name").to_arrow_table()
    return table.to_pylist()


# ---------------------------------------------------------------------------------------------------------
# Publish: CHECKPOINT, copy, atomic rename
# ---------------------------------------------------------------------------------------------------------


def publish(path: Path, *, force: bool = False) -> dict | None:
    """Publish the warehouse as the read-only snapshot if it changed since the last publish.

    The copy gets a new versioned name (a new path, so no reader's cached database instance can hide it);
    then the pointer `<stem>.snapshot.json` and the symlink `<stem>.snapshot.duckdb` are switched to it,
    each atomically. Leftovers of publishes that died, and versions older than the previous one, are removed.
    Returns the new snapshot info, or None when the published snapshot is already this version.
    """
    stable = wh.snapshot_path(path)
    info_path = wh.snapshot_info_path(path)
    with writer_lock(path):
        _remove_stale_snapshots(stable)
        with open_writer(path) as con:
            version = warehouse_version(con)
            current = wh.snapshot_info(path)
            if not force and current is not None and current.get("version") == version:
                return None
            last_ingest = con.execute("SELECT max(finished_at) FROM core.ingest_runs").fetchall()[0][0]
            counts = dict(
                zip(
                    ("reports", "institutions", "activities", "files"),
                    con.execute(
                        """
                        SELECT (SELECT count(*) FROM core.reports WHERE status = 'current'),
                               (SELECT count(*) FROM core.institutions),
                               (SELECT count(*) FROM core.exchange_activities
                                WHERE report_status = 'current'),
                               (SELECT count(*) FROM core.ingest_files)
                        """
                    ).fetchall()[0],
                    strict=True,
                )
            )
            con.execute("CHECKPOINT")
        wal = path.with_name(path.name + ".wal")
        if wal.exists() and wal.stat().st_size > 0:
            raise RuntimeError(f"{wal} still holds changes after CHECKPOINT; not publishing")
        stable.parent.mkdir(parents=True, exist_ok=True)
        published_at = utcnow()
        target = stable.with_name(f"{path.stem}.snapshot.v{version}.{time.time_ns():x}.duckdb")
        _atomic_copy(path, target)
        info = {
            "version": version,
            "file": target.name,
            "published_at": published_at.isoformat() + "Z",
            "last_ingest_at": _iso_z(last_ingest),
            "counts": counts,
        }
        _atomic_write(info_path, json.dumps(info, ensure_ascii=False, indent=2).encode("utf-8"))
        link = stable.with_name(f".{stable.name}.tmp-{os.getpid()}")
        link.unlink(missing_ok=True)
        link.symlink_to(target.name)
        os.replace(link, stable)
        _fsync_dir(stable.parent)
        _remove_stale_snapshots(stable, keep={target.name, (current or {}).get("file")})
    return info


def _atomic_copy(source: Path, target: Path) -> None:
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    try:
        shutil.copyfile(source, tmp)
        _fsync(tmp)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def _atomic_write(target: Path, data: bytes) -> None:
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    try:
        tmp.write_bytes(data)
        _fsync(tmp)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def _remove_stale_snapshots(stable: Path, keep: set[str | None] | None = None) -> None:
    """Under the writer lock: temp files of publishes that were killed, and (given `keep`) every versioned
    snapshot but the current and the previous one. A reader that still has an old version open keeps
    reading it (the file lives on until it is closed); one that resolved the pointer just before a publish
    still finds the previous version."""
    if not stable.parent.is_dir():
        return
    prefix = f"{stable.name.removesuffix('.duckdb')}.v"
    for child in stable.parent.iterdir():
        name = child.name
        leftover = name.startswith(f".{stable.stem}") and ".tmp-" in name
        old_version = (
            keep is not None and name.startswith(prefix) and name.endswith(".duckdb") and name not in keep
        )
        if leftover or old_version:
            child.unlink(missing_ok=True)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        _fsync(path)


def _rollback(con: duckdb.DuckDBPyConnection) -> None:
    """Roll back, keeping the original error: when COMMIT itself failed (disk full) DuckDB has already
    aborted the transaction, and a second error from ROLLBACK would hide the one that matters."""
    with contextlib.suppress(duckdb.Error):
        con.execute("ROLLBACK")

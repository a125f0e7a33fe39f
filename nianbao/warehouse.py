"""Read side of the warehouse, shared by the CLI (`nianbao sql`, `nianbao export`) and the dashboard.

Only the pipeline writes `data/warehouse.duckdb`. Readers never open that file: they open the
*published snapshot* (`data/published/warehouse.snapshot.duckdb`), a checkpointed copy that the pipeline
renames into place atomically after every load. Connections here are read-only, short-lived, and for
user SQL also sandboxed: no file system, no extensions, no ATTACH/COPY/EXPORT, configuration locked,
a row limit and a time limit.

    from nianbao import warehouse
    info = warehouse.snapshot_info()              # {"version": 3, "published_at": ..., ...} or None
    with warehouse.connect() as con:              # trusted app queries (dashboard)
        con.sql("SELECT count(*) FROM reports").fetchall()
    result = warehouse.run_query("SELECT ...")    # untrusted SQL (console, `nianbao sql`)
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

DEFAULT_WAREHOUSE = Path("data/warehouse.duckdb")
ENV_WAREHOUSE = "NIANBAO_WAREHOUSE"
PUBLISHED_DIR = "published"

DEFAULT_MAX_ROWS = 10_000
DEFAULT_TIMEOUT_S = 10.0

# Statement types a user query may have (DuckDB's parser decides, not a regex). WITH ..., FROM t, VALUES,
# DESCRIBE, SHOW and SUMMARIZE all parse as SELECT; EXPLAIN only plans or profiles a query.
ALLOWED_STATEMENT_TYPES = frozenset({"SELECT", "EXPLAIN"})

# Applied at connect time; `_harden` adds what DuckDB accepts only after start-up, then locks the config.
READ_ONLY_CONFIG = {
    "enable_external_access": False,
    "autoload_known_extensions": False,
    "autoinstall_known_extensions": False,
    "allow_community_extensions": False,
    "allow_unsigned_extensions": False,
}
_POST_CONNECT = (
    "SET disabled_filesystems = 'LocalFileSystem'",
    "SET allow_extension_repositories = 'forbidden'",
    "SET memory_limit = '1GB'",
    "SET lock_configuration = true",
)


class SnapshotMissing(FileNotFoundError):
    """No published snapshot yet: run `nianbao ingest` first."""


class UnsafeQuery(ValueError):
    """The SQL is not a single read-only query."""


class QueryTimeout(TimeoutError):
    """The query ran longer than its time limit and was interrupted."""


# ---------------------------------------------------------------------------------------------------------
# Paths
# ---------------------------------------------------------------------------------------------------------


def resolve_warehouse_path(path: str | os.PathLike[str] | None = None) -> Path:
    """`--warehouse PATH`, else `$NIANBAO_WAREHOUSE`, else `data/warehouse.duckdb` (relative to the cwd)."""
    chosen = path or os.environ.get(ENV_WAREHOUSE) or DEFAULT_WAREHOUSE
    return Path(chosen).expanduser().absolute()


def snapshot_path(warehouse: str | os.PathLike[str] | None = None) -> Path:
    """`<dir>/published/<stem>.snapshot.duckdb` beside the warehouse (e.g. data/published/...)."""
    wh = resolve_warehouse_path(warehouse)
    return wh.parent / PUBLISHED_DIR / f"{wh.stem}.snapshot.duckdb"


def snapshot_info_path(warehouse: str | os.PathLike[str] | None = None) -> Path:
    """The small JSON written beside the snapshot: version, published_at, last_ingest_at, counts."""
    return snapshot_path(warehouse).with_suffix(".json")


def snapshot_info(warehouse: str | os.PathLike[str] | None = None) -> dict | None:
    """The snapshot JSON plus `mtime_ns` of the snapshot file (a cache key), or None if not published yet.

    Keys: version (int, +1 per load that changed data), published_at, last_ingest_at (ISO UTC), snapshot
    (path), counts {reports, institutions, activities, files}, mtime_ns.
    """
    snap = snapshot_path(warehouse)
    try:
        stat = snap.stat()
    except FileNotFoundError:
        return None
    try:
        info = json.loads(snapshot_info_path(warehouse).read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        info = {}
    info["snapshot"] = str(snap)
    info["mtime_ns"] = stat.st_mtime_ns
    return info


# ---------------------------------------------------------------------------------------------------------
# Connections
# ---------------------------------------------------------------------------------------------------------


def _harden(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    # Connections to the same file in one process share one database instance: when another connection
    # (a dashboard session, a held reader) already hardened and locked it, there is nothing left to set.
    if con.execute("SELECT current_setting('lock_configuration')").fetchone()[0]:
        return con
    for statement in _POST_CONNECT:
        con.execute(statement)
    return con


def open_snapshot(warehouse: str | os.PathLike[str] | None = None) -> duckdb.DuckDBPyConnection:
    """A new read-only, sandboxed connection to the published snapshot. Close it soon (use `connect()`)."""
    snap = snapshot_path(warehouse)
    if not snap.exists():
        raise SnapshotMissing(f"no published warehouse at {snap}; run `nianbao ingest` first")
    con = duckdb.connect(str(snap), read_only=True, config=dict(READ_ONLY_CONFIG))
    try:
        return _harden(con)
    except Exception:
        con.close()
        raise


@contextlib.contextmanager
def connect(warehouse: str | os.PathLike[str] | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """Short-lived read-only connection to the snapshot, closed on exit (the file stays replaceable)."""
    con = open_snapshot(warehouse)
    try:
        yield con
    finally:
        con.close()


# ---------------------------------------------------------------------------------------------------------
# Untrusted SQL
# ---------------------------------------------------------------------------------------------------------


def check_read_only_sql(sql: str) -> str:
    """Return the single statement if it is a read-only query, else raise UnsafeQuery.

    DuckDB's own parser classifies the statement; anything but one SELECT-like statement (or EXPLAIN of one)
    is refused. File and network access are refused again by the connection itself.
    """
    if not sql or not sql.strip():
        raise UnsafeQuery("empty query")
    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as exc:
        raise UnsafeQuery(f"cannot parse: {exc}") from exc
    if len(statements) != 1:
        raise UnsafeQuery(f"exactly one statement allowed, got {len(statements)}")
    statement = statements[0]
    kind = statement.type.name
    if kind not in ALLOWED_STATEMENT_TYPES:
        raise UnsafeQuery(f"only read-only queries (SELECT / WITH / FROM / EXPLAIN) are allowed, not {kind}")
    return statement.query


@dataclass
class QueryResult:
    table: pa.Table
    truncated: bool
    elapsed_s: float
    columns: list[str] = field(init=False)

    def __post_init__(self) -> None:
        self.columns = list(self.table.column_names)

    @property
    def rows(self) -> list[tuple]:
        data = self.table.to_pylist()
        return [tuple(row[c] for c in self.columns) for row in data]


def run_query(
    sql: str,
    warehouse: str | os.PathLike[str] | None = None,
    *,
    max_rows: int = DEFAULT_MAX_ROWS,
    timeout_s: float = DEFAULT_TIMEOUT_S,
) -> QueryResult:
    """Run one untrusted read-only query against the snapshot: at most `max_rows` rows, `timeout_s` seconds.

    Raises UnsafeQuery (refused before running), QueryTimeout, SnapshotMissing, or duckdb.Error (bad SQL,
    refused file access, ...).
    """
    query = check_read_only_sql(sql)
    started = time.perf_counter()
    with connect(warehouse) as con:
        timed_out = threading.Event()

        def _stop() -> None:
            timed_out.set()
            con.interrupt()

        timer = threading.Timer(timeout_s, _stop)
        timer.daemon = True
        timer.start()
        try:
            reader = con.sql(query).to_arrow_reader(batch_size=min(max(max_rows, 1), 65_536) + 1)
            batches: list[pa.RecordBatch] = []
            count = 0
            truncated = False
            for batch in reader:
                if count + batch.num_rows > max_rows:
                    batches.append(batch.slice(0, max_rows - count))
                    truncated = True
                    break
                batches.append(batch)
                count += batch.num_rows
            table = pa.Table.from_batches(batches, schema=reader.schema)
        except (duckdb.InterruptException, duckdb.Error) as exc:
            if timed_out.is_set():
                raise QueryTimeout(f"query interrupted after {timeout_s:g} s") from exc
            raise
        finally:
            timer.cancel()
    return QueryResult(table=table, truncated=truncated, elapsed_s=time.perf_counter() - started)


def describe_schema(warehouse: str | os.PathLike[str] | None = None) -> pa.Table:
    """Tables/views reachable by bare name with their columns, types and Chinese/English comments.

    Columns: table_name, table_comment, column_name, data_type, column_comment (ordered for display).
    """
    with connect(warehouse) as con:
        return con.sql(
            """
            SELECT c.table_name, v.comment AS table_comment, c.column_name, c.data_type,
                   c.comment AS column_comment
            FROM duckdb_columns() c
            LEFT JOIN duckdb_views() v
              ON v.database_name = c.database_name AND v.schema_name = c.schema_name
             AND v.view_name = c.table_name
            WHERE c.schema_name = 'main' AND c.database_name = current_database()
            ORDER BY c.table_name, c.column_index
            """
        ).to_arrow_table()

"""Read side of the warehouse, shared by the CLI (`nianbao sql`, `export`, `shell`) and the dashboard.

Only the pipeline writes `data/warehouse.duckdb`. Readers never open that file: they open the *published
snapshot*, a checkpointed copy that the pipeline publishes after every load under a new versioned name
(`data/published/warehouse.snapshot.v<version>.<token>.duckdb`). `warehouse.snapshot.json` beside it points
to the newest one; `warehouse.snapshot.duckdb` is a symlink to it for other clients (DBeaver, duckdb CLI).
A new version is a new path: DuckDB's Python client keeps one database instance per path and process, so
reopening one fixed path while any connection to it is open would keep returning the old file.

Connections here are read-only, short-lived, and for user SQL also sandboxed: untrusted SQL runs in a child
process (`nianbao.query_sandbox`) with no file system, no extensions, no ATTACH/COPY/EXPORT, configuration
locked, and limits on rows, bytes, time and memory.

    from nianbao import warehouse
    info = warehouse.snapshot_info()              # {"version": 3, "snapshot": <versioned file>, ...} or None
    with warehouse.connect() as con:              # trusted app queries (dashboard)
        con.sql("SELECT count(*) FROM reports").fetchall()
    result = warehouse.run_query("SELECT ...")    # untrusted SQL (console, `nianbao sql`)
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported where used: resolving paths and reading the snapshot info needs neither
    import duckdb
    import pyarrow as pa

DEFAULT_WAREHOUSE = Path("data/warehouse.duckdb")
ENV_WAREHOUSE = "NIANBAO_WAREHOUSE"
DEFAULT_INBOX = "data/inbox"
ENV_INBOX = "NIANBAO_INBOX"
PUBLISHED_DIR = "published"
# The live warehouse and so every snapshot are written in this storage format: DuckDB 2.x writes storage
# version 69 by default, which the DuckDB releases users still have (the CLI on PyPI, DBeaver's driver, the
# `duckdb-extension-*` packages, all 1.5.x) cannot open. Files in the v1.4.0 format open in DuckDB ≥ 1.4.
SNAPSHOT_STORAGE_VERSION = "v1.4.0"

DEFAULT_MAX_ROWS = 10_000
DEFAULT_MAX_BYTES = 100 * 2**20
DEFAULT_TIMEOUT_S = 10.0
# After the time limit the sandbox interrupts its query; DuckDB checks for an interrupt only between chunks,
# so a single long function call (repeat('x', 10**9)) runs on. The child is killed this much later.
KILL_GRACE_S = 2.0

# Statement types a user query may have (DuckDB's parser decides, not a regex). WITH ..., FROM t, VALUES,
# DESCRIBE, SHOW and SUMMARIZE all parse as SELECT; EXPLAIN is allowed only of such a query.
ALLOWED_STATEMENT_TYPES = frozenset({"SELECT"})

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


def resolve_inbox_path(path: str | os.PathLike[str] | None = None) -> Path:
    """The folder ingested when no path is given: `path`, else `$NIANBAO_INBOX`, else `data/inbox`."""
    return Path(path or os.environ.get(ENV_INBOX) or DEFAULT_INBOX).expanduser().absolute()


def snapshot_path(warehouse: str | os.PathLike[str] | None = None) -> Path:
    """Stable name for users, `<dir>/published/<stem>.snapshot.duckdb`: a symlink to the newest version."""
    wh = resolve_warehouse_path(warehouse)
    return wh.parent / PUBLISHED_DIR / f"{wh.stem}.snapshot.duckdb"


def snapshot_info_path(warehouse: str | os.PathLike[str] | None = None) -> Path:
    """The pointer written beside the snapshot: file, version, published_at, last_ingest_at, counts."""
    return snapshot_path(warehouse).with_suffix(".json")


def snapshot_info(warehouse: str | os.PathLike[str] | None = None) -> dict | None:
    """The newest published snapshot, or None if nothing is published yet.

    Keys: version (int, +1 per load that changed data), published_at, last_ingest_at (ISO UTC), counts
    {reports, institutions, activities, files}, file (its versioned name), snapshot (its full path: open
    exactly this file to read this version), mtime_ns.
    """
    stable = snapshot_path(warehouse)
    for _ in range(5):  # a publish may replace the pointer between reading it and finding its file
        try:
            info = json.loads(snapshot_info_path(warehouse).read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):  # none yet (or no folder where it should be)
            info = {}
        name = info.get("file")
        target = stable.parent / name if name and Path(name).name == name else stable
        try:
            stat = target.stat()
        except OSError:
            if target == stable:
                return None
            continue
        info["snapshot"] = str(target)
        info["mtime_ns"] = stat.st_mtime_ns
        return info
    return None


# ---------------------------------------------------------------------------------------------------------
# Connections
# ---------------------------------------------------------------------------------------------------------


_HARDENING = threading.Lock()


def _harden(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    # Connections to the same file in one process share one database instance: when another connection
    # (a dashboard session, a held reader) already hardened and locked it, there is nothing left to set.
    # The check and the settings are one step for all threads: two sessions opening the same new snapshot
    # at once would otherwise both see it unlocked, and the second would fail on the locked configuration.
    # Every result is fetched whole: DuckDB refuses further work on a connection with an unfinished result.
    with _HARDENING:
        if con.execute("SELECT current_setting('lock_configuration')").fetchall()[0][0]:
            return con
        for statement in _POST_CONNECT:
            con.execute(statement)
    return con


def open_snapshot(
    warehouse: str | os.PathLike[str] | None = None, *, snapshot: str | os.PathLike[str] | None = None
) -> duckdb.DuckDBPyConnection:
    """A new read-only, sandboxed connection to the newest snapshot, or to exactly the file `snapshot`
    (a `snapshot_info()["snapshot"]`). Close it soon (use `connect()`)."""
    import duckdb

    for _ in range(5):
        target = snapshot
        if target is None:
            info = snapshot_info(warehouse)
            if info is None:
                raise SnapshotMissing(
                    f"no published warehouse at {snapshot_path(warehouse)}; run `nianbao ingest` first"
                )
            target = info["snapshot"]
        try:
            con = duckdb.connect(str(target), read_only=True, config=dict(READ_ONLY_CONFIG))
        except duckdb.IOException:
            if snapshot is None and not os.path.exists(target):
                continue  # two publishes removed it since the pointer was read: take the newest one
            raise
        try:
            return _harden(con)
        except Exception:
            con.close()
            raise
    raise SnapshotMissing(f"the published warehouse at {snapshot_path(warehouse)} keeps changing; try again")


@contextlib.contextmanager
def connect(
    warehouse: str | os.PathLike[str] | None = None, *, snapshot: str | os.PathLike[str] | None = None
) -> Iterator[duckdb.DuckDBPyConnection]:
    """Short-lived read-only connection to the snapshot (see `open_snapshot`), closed on exit."""
    con = open_snapshot(warehouse, snapshot=snapshot)
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
    import duckdb

    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as exc:
        raise UnsafeQuery(f"cannot parse: {exc}") from exc
    if len(statements) != 1:
        raise UnsafeQuery(f"exactly one statement allowed, got {len(statements)}")
    statement = statements[0]
    kind = statement.type.name
    if kind == "EXPLAIN":
        check_read_only_sql(_explained(statement.query))
        return statement.query
    if kind not in ALLOWED_STATEMENT_TYPES:
        raise UnsafeQuery(f"only read-only queries (SELECT / WITH / FROM / EXPLAIN) are allowed, not {kind}")
    return statement.query


def _explained(query: str) -> str:
    """The statement inside `EXPLAIN [ANALYZE] [(options)] <statement>` (comments skipped)."""
    import duckdb

    found = duckdb.tokenize(query)
    bounds = [start for start, _ in found] + [len(query)]
    tokens = [
        (start, query[start : bounds[i + 1]].strip().upper())
        for i, (start, kind) in enumerate(found)
        if kind.name != "comment"
    ]
    words = [text for _, text in tokens]
    position = 1 if words[:1] == ["EXPLAIN"] else 0
    if words[position : position + 1] == ["ANALYZE"]:
        position += 1
    if words[position : position + 1] == ["("]:
        depth = 0
        while position < len(words):
            depth += words[position].count("(") - words[position].count(")")
            position += 1
            if depth == 0:
                break
    if position >= len(tokens):
        raise UnsafeQuery("EXPLAIN of nothing")
    return query[tokens[position][0] :]


@dataclass
class QueryResult:
    table: pa.Table
    truncated: bool
    elapsed_s: float
    truncated_by: str | None = None  # "rows" or "bytes" when truncated
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
    max_bytes: int = DEFAULT_MAX_BYTES,
    timeout_s: float = DEFAULT_TIMEOUT_S,
) -> QueryResult:
    """Run one untrusted read-only query against the snapshot, in a child process: at most `max_rows` rows
    and `max_bytes` bytes of result, `timeout_s` seconds, a few GB of memory.

    Raises UnsafeQuery (refused before running), QueryTimeout, SnapshotMissing, or a duckdb.Error (bad SQL,
    refused file access, out of memory, ...) carrying DuckDB's one-line message.
    """
    import duckdb
    import pyarrow as pa

    query = check_read_only_sql(sql)
    info = snapshot_info(warehouse)
    if info is None:
        raise SnapshotMissing(
            f"no published warehouse at {snapshot_path(warehouse)}; run `nianbao ingest` first"
        )
    started = time.perf_counter()
    command = [
        sys.executable, "-m", "nianbao.query_sandbox",
        info["snapshot"], str(max_rows), str(max_bytes), repr(float(timeout_s)),
    ]  # fmt: skip
    with subprocess.Popen(
        command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    ) as child:
        try:
            out, err = child.communicate(query.encode("utf-8"), timeout=timeout_s + KILL_GRACE_S)
        except subprocess.TimeoutExpired:
            child.kill()
            child.communicate()
            raise QueryTimeout(f"query stopped after {timeout_s:g} s") from None
        except BaseException:
            child.kill()
            raise
    status = _status(err, child.returncode)
    if not status.get("ok"):
        error = status.get("error", "Error")
        message = status.get("message") or "query failed"
        if error == "timeout":
            raise QueryTimeout(f"query interrupted after {timeout_s:g} s")
        exception = getattr(duckdb, error, None)
        if not (isinstance(exception, type) and issubclass(exception, duckdb.Error)):
            exception = duckdb.Error
        raise exception(message)
    table = pa.ipc.open_stream(out).read_all()
    return QueryResult(
        table=table,
        truncated=status["truncated_by"] is not None,
        truncated_by=status["truncated_by"],
        elapsed_s=time.perf_counter() - started,
    )


def _status(stderr: bytes, returncode: int) -> dict:
    """The sandbox's last stderr line is its JSON status; a child that died says why by its exit code."""
    for line in reversed(stderr.decode("utf-8", "replace").splitlines()):
        if line.startswith("{"):
            with contextlib.suppress(json.JSONDecodeError):
                return json.loads(line)
    if returncode < 0:
        return {
            "ok": False,
            "error": "OutOfMemoryException",
            "message": f"query process killed (signal {-returncode})",
        }
    return {"ok": False, "error": "Error", "message": f"query process failed (exit {returncode})"}


SCHEMA_DOCS_SQL = """
    SELECT c.table_name, v.comment AS table_comment, c.column_name, c.data_type,
           c.comment AS column_comment
    FROM duckdb_columns() c
    LEFT JOIN duckdb_views() v
      ON v.database_name = c.database_name AND v.schema_name = c.schema_name
     AND v.view_name = c.table_name
    WHERE c.schema_name = 'main' AND c.database_name = current_database()
    ORDER BY c.table_name, c.column_index
"""


def describe_schema(warehouse: str | os.PathLike[str] | None = None) -> pa.Table:
    """Tables/views reachable by bare name with their columns, types and Chinese/English comments.

    Columns: table_name, table_comment, column_name, data_type, column_comment (ordered for display).
    """
    with connect(warehouse) as con:
        return con.sql(SCHEMA_DOCS_SQL).to_arrow_table()

"""The dashboard's only door to the warehouse: the published snapshot, through `nianbao.warehouse`.

Queries run on short-lived, read-only, sandboxed connections (``warehouse.open_snapshot``), closed before the
page run ends, so ingestion can publish at any time. Every publish is a new versioned file: a page run pins
one (``current_snapshot()``) and opens exactly that file, so what it shows is the version its label says.
Inside ``page_run()`` (app.py wraps every page run in it) the run's cache misses share one connection,
opened on the first miss and closed when the run ends (opening the snapshot costs ≈17 ms at 100k reports);
outside it every miss opens and closes its own. Results are fetched whole and cached with
``st.cache_data`` keyed by the snapshot file: a new publish is a new key, never a stale page. Connections
are never cached, never kept between runs and never passed into a cached function (the cached function
finds the run's one itself).
"""

from __future__ import annotations

import contextlib
import io
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass

import duckdb
import pandas as pd
import streamlit as st

from nianbao import warehouse

CACHE_TTL_S = 3600


@dataclass(frozen=True)
class Snapshot:
    """Where the published snapshot is and which version of it this page run reads."""

    warehouse: str
    path: str  # the versioned file: a new path for every publish, so it is also the cache key
    version: str
    published_at: str | None
    last_ingest_at: str | None


def warehouse_path() -> str:
    """`$NIANBAO_WAREHOUSE` (set by `nianbao dashboard --warehouse`), else the default path."""
    return str(warehouse.resolve_warehouse_path(os.environ.get(warehouse.ENV_WAREHOUSE)))


def current_snapshot() -> Snapshot | None:
    """The snapshot as it is now, or None when nothing has been published yet."""
    wh = warehouse_path()
    info = warehouse.snapshot_info(wh)
    if info is None:
        return None
    version = str(info.get("version", "?"))
    return Snapshot(
        warehouse=wh,
        path=str(info["snapshot"]),
        version=version,
        published_at=info.get("published_at"),
        last_ingest_at=info.get("last_ingest_at"),
    )


class _Run(threading.local):
    """The current page run of this thread (Streamlit runs each session's script in its own thread)."""

    active: bool = False
    snapshot: Snapshot | None = None
    con: duckdb.DuckDBPyConnection | None = None


_run = _Run()


@contextlib.contextmanager
def page_run() -> Iterator[None]:
    """One page run: pin the snapshot, share one connection among its cache misses, close it at the end."""
    if _run.active:  # nested: the outer run owns the connection
        yield
        return
    _run.active, _run.snapshot, _run.con = True, current_snapshot(), None
    try:
        yield
    finally:
        con, _run.con, _run.snapshot, _run.active = _run.con, None, None, False
        if con is not None:
            con.close()


def _connection(wh: str, snapshot_file: str) -> contextlib.AbstractContextManager[duckdb.DuckDBPyConnection]:
    """The page run's shared connection to its pinned file (opened now if needed), or one of its own."""
    if _run.active and _run.snapshot is not None and _run.snapshot.path == snapshot_file:
        if _run.con is None:
            _run.con = warehouse.open_snapshot(wh, snapshot=snapshot_file)
        return contextlib.nullcontext(_run.con)
    return warehouse.connect(wh, snapshot=snapshot_file)


@st.cache_data(ttl=CACHE_TTL_S, max_entries=1024, show_spinner=False)
def _cached_query(wh: str, snapshot_file: str, sql: str, params: tuple) -> pd.DataFrame:
    """Run one trusted query on exactly `snapshot_file` (a new file per publish: the cache key is exact)."""
    with _connection(wh, snapshot_file) as con:
        return con.execute(sql, list(params)).df()


def _snapshot() -> Snapshot:
    snap = _run.snapshot if _run.active and _run.snapshot is not None else current_snapshot()
    if snap is None:
        raise warehouse.SnapshotMissing("no published warehouse; run `nianbao ingest` first")
    return snap


def fetch(sql: str, params: tuple | list = ()) -> pd.DataFrame:
    """Result of a trusted app query (SQL from `dashboard.queries`, values bound as parameters)."""
    snap = _snapshot()
    try:
        return _cached_query(snap.warehouse, snap.path, sql, tuple(params))
    except duckdb.IOException:
        if os.path.exists(snap.path):
            raise
    # The pinned version was removed (two publishes since it was pinned): read the newest one.
    if _run.active:
        _run.snapshot = current_snapshot()
    snap = _snapshot()
    return _cached_query(snap.warehouse, snap.path, sql, tuple(params))


def fetch_csv(sql: str, params: tuple | list = ()) -> bytes:
    """A trusted query's whole result as CSV (UTF-8 with BOM, for Excel), uncached and without pandas.

    For downloads generated when clicked (a deferred `st.download_button`): Arrow writes the CSV.
    """
    import pyarrow.csv as pa_csv

    snap = _snapshot()
    with warehouse.connect(snap.warehouse, snapshot=snap.path) as con:
        table = con.sql(sql, params=list(params)).to_arrow_table()
    sink = io.BytesIO()
    sink.write("\ufeff".encode())
    pa_csv.write_csv(table, sink)
    return sink.getvalue()

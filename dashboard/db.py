"""The dashboard's only door to the warehouse: the published snapshot, through `nianbao.warehouse`.

Every query opens a short-lived, read-only, sandboxed connection (``warehouse.connect``) and closes it before
the page renders, so ingestion can replace the snapshot at any time. Results are cached with
``st.cache_data`` keyed by the snapshot's version and mtime: a new publish is a new key, never a stale page.
Connections are never cached nor passed into a cached function.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from nianbao import warehouse

CACHE_TTL_S = 3600


@dataclass(frozen=True)
class Snapshot:
    """Where the published snapshot is and which version of it this page run reads."""

    warehouse: str
    path: str
    version: str
    cache_key: str
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
        cache_key=f"{version}:{info['mtime_ns']}",
        published_at=info.get("published_at"),
        last_ingest_at=info.get("last_ingest_at"),
    )


@st.cache_data(ttl=CACHE_TTL_S, max_entries=1024, show_spinner=False)
def _cached_query(wh: str, cache_key: str, sql: str, params: tuple) -> pd.DataFrame:
    """Run one trusted query; `cache_key` (snapshot version + mtime) is part of the cache key on purpose."""
    del cache_key
    with warehouse.connect(wh) as con:
        return con.execute(sql, list(params)).df()


def fetch(sql: str, params: tuple | list = ()) -> pd.DataFrame:
    """Result of a trusted app query (SQL from `dashboard.queries`, values bound as parameters)."""
    snap = current_snapshot()
    if snap is None:
        raise warehouse.SnapshotMissing("no published warehouse; run `nianbao ingest` first")
    return _cached_query(snap.warehouse, snap.cache_key, sql, tuple(params))

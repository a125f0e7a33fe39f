"""Paths and parser settings as Dagster resources (tests point them at temporary folders).

Defaults come from the environment when the definitions load (`nianbao.warehouse`): NIANBAO_WAREHOUSE (else
data/warehouse.duckdb) and NIANBAO_INBOX (else data/inbox), relative to the working directory of the process,
and NIANBAO_DASK_SCHEDULER (else none: the local process pool).
"""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg

from nianbao import warehouse as wh

from .workers import DEFAULT_CHUNK_SIZE, DEFAULT_EXTRACTOR, ENV_DASK_SCHEDULER, default_workers


class WarehouseResource(dg.ConfigurableResource):
    """The live DuckDB file the pipeline writes; the snapshot, quarantine and work folders sit beside it."""

    path: str

    @property
    def db_path(self) -> Path:
        return wh.resolve_warehouse_path(self.path)

    @property
    def quarantine_dir(self) -> Path:
        return self.db_path.parent / "quarantine"

    @property
    def work_root(self) -> Path:
        return self.db_path.parent / f".{self.db_path.stem}.work"

    def work_dir(self, run_id: str) -> Path:
        return self.work_root / run_id


class InboxResource(dg.ConfigurableResource):
    """Folder the sensor watches and the job ingests when no paths are given."""

    path: str
    settle_seconds: int = 10  # files modified more recently are still being written: wait for the next tick

    @property
    def dir_path(self) -> Path:
        return Path(self.path).expanduser().absolute()


class ParserResource(dg.ConfigurableResource):
    """How files are parsed: the extractor function (`module:function`), worker processes, chunk size, and
    where: the local process pool, or the Dask cluster whose scheduler is `dask_scheduler` (docs/scale.md)."""

    extractor: str = DEFAULT_EXTRACTOR
    workers: int = 2  # local pool only
    chunk_size: int = DEFAULT_CHUNK_SIZE
    dask_scheduler: str = ""  # e.g. tcp://scheduler:8786; empty: parse on this machine
    # False (default): a report without a valid USCC loads under a stable surrogate institution id
    # `X-<hash of the name>`, its problem recorded. True: such reports are quarantined.
    require_valid_uscc: bool = False


def default_resources(warehouse: str | None = None, inbox: str | None = None) -> dict:
    return {
        "warehouse": WarehouseResource(path=str(wh.resolve_warehouse_path(warehouse))),
        "inbox": InboxResource(path=str(wh.resolve_inbox_path(inbox))),
        "parser": ParserResource(
            workers=default_workers(), dask_scheduler=os.environ.get(ENV_DASK_SCHEDULER, "")
        ),
    }

"""The ingestion graph, one batch per run (no per-file runs or partitions):

    staging/discovered_files -> staging/parsed_records -> core/* + marts/* (one transaction, with checks)
    -> published/warehouse_snapshot

Every step that opens the warehouse runs in the `nianbao_warehouse` concurrency pool (limit 1 in
dagster.yaml) and under the warehouse's file lock, so writers are serialised across runs and processes. A
run holds the run lock (`<warehouse>.run.lock`) from discovery to publish: a second run waits for the first
and then discovers only what the first one left, instead of parsing the same files again.
Steps hand over through files in `<warehouse dir>/.<stem>.work/<run_id>/`, not through the IO manager.
"""

import os
import shutil
import time

import dagster as dg
import orjson

from . import file_index, loader, progress
from .checks import CHECK_SPECS, check_results
from .discover import discover
from .parse import files_to_parse, parse_candidates
from .resources import InboxResource, ParserResource, WarehouseResource

POOL = "nianbao_warehouse"
STALE_WORK_DIR_S = 24 * 3600

CORE_TABLES = (
    "ingest_files", "quarantine", "reports", "finances", "exchange_activities", "activity_countries",
    "activity_localities", "report_sections", "report_texts", "registration_changes", "report_problems",
)  # fmt: skip
DERIVED_TABLES = ("institutions", "institution_history", "partner_localities", "data_quality")
MART_TABLES = (
    "finance_trends", "finance_yearly", "activities_by_country_year", "top_partner_localities",
    "file_outcomes", "quality_summary", "overview",
)  # fmt: skip

DISCOVERED = dg.AssetKey(["staging", "discovered_files"])
PARSED = dg.AssetKey(["staging", "parsed_records"])


class DiscoverConfig(dg.Config):
    paths: list[str] = []  # noqa: RUF012 -- files or folders to ingest; empty: the inbox resource's folder


@dg.asset(
    key=DISCOVERED,
    group_name="ingest",
    pool=POOL,
    kinds={"python"},
    description="新文件清单(跳过已入库文件) / Files not yet in the warehouse, hashed",
)
def discovered_files(
    context: dg.AssetExecutionContext,
    config: DiscoverConfig,
    warehouse: WarehouseResource,
    inbox: InboxResource,
) -> dg.MaterializeResult:
    loader.acquire_run_lock(warehouse.db_path, context.run.run_id, on_wait=context.log.warning)
    _remove_stale_work_dirs(warehouse)
    work = warehouse.work_dir(context.run.run_id)
    shutil.rmtree(work, ignore_errors=True)
    paths = config.paths or [str(inbox.dir_path)]
    if not config.paths and not inbox.dir_path.exists():
        paths = []  # no inbox yet: nothing to ingest (a path given explicitly must exist)
    known = loader.known_files(warehouse.db_path)
    index = file_index.read_index(warehouse.db_path)
    stats = discover(paths, known, work / "candidates.parquet", progress=progress.report, index=index)
    # What the file index will say once this batch is loaded (warehouse_load writes it after COMMIT).
    roots = [os.path.abspath(p) for p in paths]
    (work / "file_index.json").write_bytes(orjson.dumps({"roots": roots, "files": stats.signatures}))
    context.log.info(f"scanned {stats.files_seen} files, {stats.candidates} new or changed")
    for warning in stats.warnings:
        context.log.warning(warning)
    return dg.MaterializeResult(
        metadata={
            "paths": ", ".join(paths),
            "files_seen": stats.files_seen,
            "unchanged": stats.unchanged,
            "to_parse": stats.to_parse,
            "same_sha": stats.same_sha,
            "vanished": stats.vanished,
            "unreadable": stats.unreadable,
            "ignored": stats.ignored,
            "warnings": "\n".join(stats.warnings),
        }
    )


@dg.asset(
    key=PARSED,
    deps=[DISCOVERED],
    group_name="ingest",
    kinds={"python", "parquet"},
    description="抽取记录展开为 staging 表(Parquet,进程池) / Extract records flattened to staging Parquet",
)
def parsed_records(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource, parser: ParserResource
) -> dg.MaterializeResult:
    loader.acquire_run_lock(warehouse.db_path, context.run.run_id, on_wait=context.log.warning)
    work = warehouse.work_dir(context.run.run_id)
    out = work / "staging"
    shutil.rmtree(out, ignore_errors=True)
    started = time.perf_counter()
    # Learning the localities builds the gazetteer: only worth it when there is something to parse.
    candidates = work / "candidates.parquet"
    known = loader.known_localities(warehouse.db_path) if files_to_parse(candidates) else {}
    runner = None
    if parser.dask_scheduler:
        from .parse_dask import DaskCluster  # imports dask.distributed: only when a cluster is configured

        runner = DaskCluster(parser.dask_scheduler)
    stats = parse_candidates(
        candidates,
        out,
        extractor_ref=parser.extractor,
        quarantine_dir=warehouse.quarantine_dir,
        workers=parser.workers,
        chunk_size=parser.chunk_size,
        require_valid_uscc=parser.require_valid_uscc,
        known_localities=known,
        runner=runner,
        progress=progress.report,
    )
    seconds = time.perf_counter() - started
    return dg.MaterializeResult(
        metadata={
            "parsed": stats.parsed,
            "failed": stats.failed,
            "same_sha": stats.same_sha,
            "chunks": stats.chunks,
            "chunks_retried": stats.retried,
            "dask_scheduler": parser.dask_scheduler or "none (local)",
            "chunks_by_dask_worker": dict(sorted(stats.by_worker.items())),
            "known_partner_localities": len(known),
            "seconds": round(seconds, 2),
            "files_per_second": round(stats.parsed / seconds, 1) if stats.parsed and seconds else 0.0,
        }
    )


def _spec(layer: str, name: str, deps: list[dg.AssetKey]) -> dg.AssetSpec:
    return dg.AssetSpec(
        dg.AssetKey([layer, name]), deps=deps, group_name=layer, kinds={"duckdb"}, skippable=False
    )


_CORE_KEYS = [dg.AssetKey(["core", t]) for t in CORE_TABLES]
LOAD_SPECS = (
    [_spec("core", t, [PARSED]) for t in CORE_TABLES]
    + [_spec("core", t, _CORE_KEYS) for t in DERIVED_TABLES]
    + [
        _spec("marts", t, [*_CORE_KEYS, *(dg.AssetKey(["core", d]) for d in DERIVED_TABLES)])
        for t in MART_TABLES
    ]
)


@dg.multi_asset(
    name="warehouse_load",
    specs=LOAD_SPECS,
    check_specs=CHECK_SPECS,
    pool=POOL,
    description="一个事务: staging -> core -> marts -> 质量检查 / One transaction: core, marts, checks",
)
def warehouse_load(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    loader.acquire_run_lock(warehouse.db_path, context.run.run_id, on_wait=context.log.warning)
    work = warehouse.work_dir(context.run.run_id)
    started = loader.utcnow()
    progress.report("load", 0, None)
    stats = loader.load_batch(warehouse.db_path, work / "staging", context.run.run_id, started)
    try:
        _write_file_index(warehouse, work)
    except Exception as exc:  # a cache: the load stands, the next run hashes what it cannot skip by stat
        file_index.index_path(warehouse.db_path).unlink(missing_ok=True)
        context.log.warning(f"file index not written ({type(exc).__name__}: {exc})")
    progress.report("load", 1, 1)
    context.log.info(f"load: {stats.as_dict()}")
    version = dg.DataVersion(str(stats.warehouse_version))
    for spec in LOAD_SPECS:
        metadata = {"warehouse_version": stats.warehouse_version, "changed": stats.changed}
        if spec.key == dg.AssetKey(["core", "ingest_files"]):
            metadata.update(stats.as_dict())
        yield dg.MaterializeResult(asset_key=spec.key, data_version=version, metadata=metadata)
    yield from check_results(loader.latest_quality(warehouse.db_path))
    shutil.rmtree(work, ignore_errors=True)


@dg.asset(
    key=["published", "warehouse_snapshot"],
    deps=[spec.key for spec in LOAD_SPECS],
    group_name="published",
    pool=POOL,
    kinds={"duckdb"},
    description="只读快照(复制后原子替换) / Checkpointed copy, atomically renamed into place",
)
def warehouse_snapshot(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    try:
        info = loader.publish(warehouse.db_path)
    finally:
        loader.release_run_lock(warehouse.db_path, context.run.run_id)
    published = info is not None
    from nianbao import warehouse as wh

    current = wh.snapshot_info(warehouse.db_path) or {}
    context.log.info(
        f"snapshot version {current.get('version')} ({'published' if published else 'unchanged'})"
    )
    return dg.MaterializeResult(
        data_version=dg.DataVersion(str(current.get("version"))),
        metadata={
            "published": published,
            "version": current.get("version"),
            "snapshot": dg.MetadataValue.path(str(wh.snapshot_path(warehouse.db_path))),
            "last_ingest_at": current.get("last_ingest_at"),
        },
    )


def _write_file_index(warehouse: WarehouseResource, work) -> None:
    """The file index for the warehouse as this run left it (see `file_index`)."""
    scanned = orjson.loads((work / "file_index.json").read_bytes())
    version, last_ingest_at = loader.ingest_state(warehouse.db_path)
    previous = file_index.read_index(warehouse.db_path)
    file_index.write_index(
        warehouse.db_path, previous, scanned["roots"], scanned["files"], version, last_ingest_at
    )


def _remove_stale_work_dirs(warehouse: WarehouseResource) -> None:
    root = warehouse.work_root
    if not root.exists():
        return
    cutoff = time.time() - STALE_WORK_DIR_S
    for child in root.iterdir():
        try:
            if child.stat().st_mtime < cutoff:
                shutil.rmtree(child, ignore_errors=True)
        except FileNotFoundError:
            continue


ASSETS = [discovered_files, parsed_records, warehouse_load, warehouse_snapshot]

ingest_job = dg.define_asset_job(
    "ingest_job",
    selection=dg.AssetSelection.assets(*ASSETS),
    executor_def=dg.in_process_executor,
    description="新文件入库并发布快照 / Ingest new files and publish the snapshot",
)

"""`nianbao ingest [PATH ...] [--warehouse PATH]`: run the Dagster ingest job in-process, print a summary.

Same assets as the scheduled job (dagster_project), executed with `dagster.materialize` on an ephemeral
instance: new files are parsed, loaded in one transaction, and the read-only snapshot is republished.
Without PATH the inbox (NIANBAO_INBOX, default data/inbox) is ingested.
"""

from __future__ import annotations

import argparse
import gc
import logging
import os
import sys
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar


@dataclass
class IngestSummary:
    files_seen: int = 0
    unchanged: int = 0
    loaded: int = 0
    duplicate: int = 0
    superseded: int = 0
    quarantined: int = 0
    ignored: int = 0
    previously_loaded_superseded: int = 0
    warehouse_version: int = 0
    published: bool = False
    seconds: float = 0.0
    snapshot: str = ""
    warnings: list[str] = field(default_factory=list)
    chunks_retried: int = 0
    chunks_by_dask_worker: dict[str, int] = field(default_factory=dict)
    step_seconds: dict[str, float] = field(default_factory=dict)  # Dagster step -> its duration (bench)
    extra: dict = field(default_factory=dict)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", type=Path, help="files or folders (default: the inbox)")
    parser.add_argument(
        "--warehouse", help="warehouse file (default: $NIANBAO_WAREHOUSE or data/warehouse.duckdb)"
    )
    parser.add_argument("--workers", type=int, default=None, help="parser processes (default: min(2, cores))")
    parser.add_argument("--chunk-size", type=int, default=None, help="files per parse task (default: 500)")
    parser.add_argument(
        "--dask",
        metavar="ADDRESS",
        help="parse on the Dask cluster with this scheduler, e.g. tcp://host:8786 "
        "(default: $NIANBAO_DASK_SCHEDULER, else this machine; docs/scale.md)",
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.set_defaults(func=run)


def run_ingest(
    paths: list[str | os.PathLike[str]] | None = None,
    warehouse: str | os.PathLike[str] | None = None,
    *,
    extractor: str | None = None,
    workers: int | None = None,
    chunk_size: int | None = None,
    dask: str | None = None,
    progress=None,
    on_wait=None,
    standalone: bool = False,
) -> IngestSummary:
    """Run the ingest job in this process; the API behind `nianbao ingest` (also used by tests and bench).

    Raises FileNotFoundError before anything runs when a path does not exist. When another ingest into the
    same warehouse runs, waits for it (calling `on_wait` with a message) and then ingests what it left.
    When no file under `paths` changed since the published snapshot was made (by the file index: one
    stat per file, nothing read), neither Dagster nor any worker is started: there is nothing to do.
    Otherwise the parse workers are started first, to start up while Dagster does. `standalone`: this
    process does nothing else (the CLI), which allows process-wide shortcuts (`_standalone_process`).
    """
    from dagster_project.defs.warehouse import workers as parse_workers
    from dagster_project.defs.warehouse.walk import check_paths

    started = time.perf_counter()
    per_chunk = chunk_size or parse_workers.DEFAULT_CHUNK_SIZE
    changes = _count_changes(paths, warehouse, per_chunk)
    if isinstance(changes, IngestSummary):
        changes.seconds = time.perf_counter() - started
        return changes
    check_paths(paths or [])
    pool_size = workers or parse_workers.default_workers()
    if pool_size > 1 and not (dask or os.environ.get(parse_workers.ENV_DASK_SCHEDULER)):
        # As many warm workers as there will be chunks to parse (all of them when that is not known).
        warm = pool_size if changes is None else -(-changes // per_chunk)
        parse_workers.start_standby_pool(pool_size, extractor or parse_workers.DEFAULT_EXTRACTOR, warm)
    try:
        return _run_job(paths, warehouse, extractor, workers, chunk_size, dask, progress, on_wait, standalone)
    finally:
        parse_workers.stop_standby_pool()


def _run_job(
    paths: list[str | os.PathLike[str]] | None,
    warehouse: str | os.PathLike[str] | None,
    extractor: str | None,
    workers: int | None,
    chunk_size: int | None,
    dask: str | None,
    progress,
    on_wait,
    standalone: bool,
) -> IngestSummary:
    """The Dagster job on an ephemeral instance; the summary of its materializations."""
    warnings.filterwarnings("ignore", module="dagster")
    import dagster as dg

    from dagster_project.defs.warehouse import loader
    from dagster_project.defs.warehouse import progress as progress_hook
    from dagster_project.defs.warehouse.assets import ASSETS, DISCOVERED
    from dagster_project.defs.warehouse.resources import default_resources
    from nianbao import warehouse as wh

    if standalone:
        _standalone_process()
    resources = default_resources(warehouse=str(warehouse) if warehouse else None)
    overrides = {"extractor": extractor, "workers": workers, "chunk_size": chunk_size, "dask_scheduler": dask}
    if any(overrides.values()):
        parser = resources["parser"]
        fields = {name: getattr(parser, name) for name in type(parser).model_fields}
        fields.update({k: v for k, v in overrides.items() if v})
        # Rebuilt, not model_copy(update=...): a Dagster resource keeps the config it was built with, so a
        # copied one would silently run with the old extractor and worker count.
        resources["parser"] = type(parser)(**fields)
    op_name = "__".join(DISCOVERED.path)
    run_config = {
        "ops": {op_name: {"config": {"paths": [str(Path(p).absolute()) for p in paths or []]}}},
        # Failures reach the caller as the exception itself; the CLI prints one line for them.
        "loggers": {"console": {"config": {"log_level": "CRITICAL"}}},
    }
    started = time.perf_counter()
    db_path = resources["warehouse"].db_path
    progress_hook.set_listener(progress)
    try:
        loader.acquire_run_lock(db_path, "nianbao ingest", on_wait=on_wait)
        result = dg.materialize(ASSETS, resources=resources, run_config=run_config)
    finally:
        loader.release_run_lock(db_path)
        progress_hook.set_listener(None)
    summary = IngestSummary(seconds=time.perf_counter() - started)
    for event in result.all_events:
        if event.is_step_success:
            summary.step_seconds[event.step_key] = event.event_specific_data.duration_ms / 1000
    for event in result.get_asset_materialization_events():
        materialization = event.event_specific_data.materialization
        key = materialization.asset_key.to_user_string()
        meta = {k: v.value for k, v in materialization.metadata.items()}
        if key == "staging/discovered_files":
            summary.files_seen, summary.unchanged = meta["files_seen"], meta["unchanged"]
            summary.warnings = [w for w in meta.get("warnings", "").split("\n") if w]
        elif key == "staging/parsed_records":
            summary.chunks_retried = meta["chunks_retried"]
            summary.chunks_by_dask_worker = meta["chunks_by_dask_worker"]
        elif key == "core/ingest_files":
            outcomes = ("loaded", "duplicate", "superseded", "quarantined", "ignored")
            for name in (*outcomes, "previously_loaded_superseded"):
                setattr(summary, name, meta.get(name, 0))
            summary.warehouse_version = meta["warehouse_version"]
        elif key == "published/warehouse_snapshot":
            summary.published = bool(meta["published"])
    summary.snapshot = str(wh.snapshot_path(resources["warehouse"].db_path))
    return summary


def _standalone_process() -> None:
    """Shortcuts for a process that runs one ingest and exits, taken once the code is imported.

    pyarrow is told that there is no pandas to look for (`workers.pyarrow_without_pandas`: 0.5 s), and what
    is imported is moved out of the garbage collector's sight (`gc.freeze`): Dagster and the tables live
    until the process exits, and the collector's passes over them cost ≈0.3 s of a run.
    """
    from dagster_project.defs.warehouse.workers import pyarrow_without_pandas

    pyarrow_without_pandas()
    gc.freeze()


def _count_changes(
    paths: list[str | os.PathLike[str]] | None, warehouse: str | os.PathLike[str] | None, limit: int
) -> IngestSummary | int | None:
    """Found without Dagster (see `file_index.count_changes`): the summary of a run with nothing to do, else
    how many files changed (up to `limit` + 1), else None when the file index cannot tell."""
    from dagster_project.defs.warehouse.file_index import count_changes
    from nianbao import warehouse as wh

    db_path = wh.resolve_warehouse_path(warehouse)
    roots = [str(Path(p).absolute()) for p in paths] if paths else [str(wh.resolve_inbox_path())]
    found = count_changes(roots, db_path, limit)
    if found is None:
        return None
    seen, changed, version = found
    if changed:
        return changed
    return IngestSummary(
        files_seen=seen, unchanged=seen, warehouse_version=version, snapshot=str(wh.snapshot_path(db_path))
    )


class _ProgressBar:
    """One line on stderr, redrawn in place on a terminal; a line per stage otherwise."""

    LABELS: ClassVar[dict[str, str]] = {"scan": "扫描 scan", "parse": "解析 parse", "load": "入库 load"}

    def __init__(self) -> None:
        self.tty = sys.stderr.isatty()
        self.last_stage = None
        self.last_draw = 0.0

    def __call__(self, stage: str, done: int, total: int | None) -> None:
        now = time.monotonic()
        finished = total is not None and done >= total
        if self.tty and not finished and stage == self.last_stage and now - self.last_draw < 0.1:
            return
        self.last_draw = now
        label = self.LABELS.get(stage, stage)
        if total:
            width = 30
            filled = int(width * done / total)
            text = f"{label:10s} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}"
        else:
            text = f"{label:10s} {done}"
        if self.tty:
            end = "\n" if finished else ""
            sys.stderr.write("\r\033[K" + text + end)
        elif stage != self.last_stage or finished:
            sys.stderr.write(text + "\n")
        sys.stderr.flush()
        self.last_stage = stage


def root_cause(exc: BaseException) -> BaseException:
    """The innermost error under Dagster's wrappers (e.g. the OSError of a full disk)."""
    seen = {id(exc)}
    while True:
        inner = getattr(exc, "user_exception", None) or exc.__cause__
        if inner is None or id(inner) in seen:
            return exc
        seen.add(id(inner))
        exc = inner


LIVE_VERSION_SQL = "SELECT coalesce(max(warehouse_version), 0) FROM core.ingest_runs"


def state_after_failure(warehouse: str | os.PathLike[str] | None) -> str:
    """What a failed run left, said truthfully: a run can fail after its load committed (while publishing)."""
    import duckdb

    from nianbao import warehouse as wh

    path = wh.resolve_warehouse_path(warehouse)
    published = (wh.snapshot_info(path) or {}).get("version", 0)
    try:
        with duckdb.connect(str(path), read_only=True) as con:
            live = con.execute("SELECT coalesce(max(warehouse_version), 0) FROM core.ingest_runs").fetchall()[
                0
            ][0]
    except (duckdb.Error, OSError):
        live = None
    if live is not None and live > published:
        return (
            f"the warehouse was loaded (version {live}) but its snapshot was not published; readers still "
            f"see version {published}; the next `nianbao ingest` publishes it."
        )
    return "the warehouse and its published snapshot are as they were before this run."


def run(args: argparse.Namespace) -> int:
    logging.getLogger("dagster").setLevel(logging.WARNING)
    progress = None if args.quiet else _ProgressBar()

    def say(message: str) -> None:
        print(f"nianbao ingest: {message}", file=sys.stderr, flush=True)

    try:
        summary = run_ingest(
            args.paths,
            args.warehouse,
            workers=args.workers,
            chunk_size=args.chunk_size,
            dask=args.dask,
            progress=progress,
            on_wait=say,
            standalone=True,
        )
    except FileNotFoundError as exc:
        if exc.filename is None:
            raise
        say(f"no such file or folder: {exc.filename}; nothing was ingested or published")
        return 2
    except Exception as exc:  # one clear line, not Dagster's traceback
        cause = root_cause(exc)
        print(f"\nnianbao ingest: failed: {type(cause).__name__}: {cause}", file=sys.stderr)
        say(state_after_failure(args.warehouse))
        return 2
    if progress and progress.tty:
        sys.stderr.write("\r\033[K")
    for warning in summary.warnings:
        say(f"warning: {warning}")
    new = summary.loaded + summary.duplicate + summary.superseded + summary.quarantined + summary.ignored
    print(
        f"files seen {summary.files_seen} (already ingested {summary.unchanged}, new {new}): "
        f"loaded {summary.loaded} / duplicate {summary.duplicate} / superseded {summary.superseded} / "
        f"quarantined {summary.quarantined} / ignored (not reports) {summary.ignored}"
    )
    if summary.chunks_by_dask_worker:
        spread = ", ".join(f"{w} {n}" for w, n in summary.chunks_by_dask_worker.items())
        print(f"parsed on {len(summary.chunks_by_dask_worker)} Dask workers (chunks: {spread})")
    if summary.chunks_retried:
        print(f"chunks re-run after their parse worker died: {summary.chunks_retried}")
    if summary.previously_loaded_superseded:
        print(f"earlier reports superseded by corrected ones: {summary.previously_loaded_superseded}")
    state = "published" if summary.published else "unchanged"
    print(f"warehouse version {summary.warehouse_version}, snapshot {state}: {summary.snapshot}")
    print(f"time {summary.seconds:.1f} s")
    gc.freeze()  # the process ends now: a last collection over every object would take ≈1 s
    return 0

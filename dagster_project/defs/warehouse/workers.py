"""The local parse workers: how each starts, and a pool started ahead of the job.

Every worker is spawned (the Dagster process has threads; forking those is unsafe), so each imports the
extractor and builds its one-time tables itself. `start_worker` does that before the worker takes its first
chunk, on a small synthetic report. `nianbao ingest` starts the pool before it imports Dagster
(`start_standby_pool`): the workers start up while the job does, and the parse step finds them ready.

Light on purpose (standard library only at import): the CLI imports it before anything else.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import multiprocessing.connection
import os
import sys
import threading
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

DEFAULT_EXTRACTOR = "transforms.extract:extract_bytes"
DEFAULT_CHUNK_SIZE = 500
ENV_DASK_SCHEDULER = "NIANBAO_DASK_SCHEDULER"
# A synthetic report (`nianbao generate OUT --institutions 3 --years 2023-2023 --seed 7 --formats txt
# --defects 0`, its first file) that every worker extracts once as it starts, so that the extractor's
# one-time tables (label patterns, gazetteer, division codes) are built before its first chunk.
WARM_UP_REPORT = Path(__file__).with_name("warm_up_report.txt")


def default_workers() -> int:
    return min(2, os.cpu_count() or 1)


def new_pool(workers: int, extractor_ref: str) -> ProcessPoolExecutor:
    """A pool of up to `workers` spawned processes (started as tasks arrive), each through `start_worker`."""
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=start_worker,
        initargs=(extractor_ref,),
    )


def start_worker(extractor_ref: str) -> None:
    """Initializer of every local parse worker: import the extractor and build its one-time tables."""
    _exit_with_parent()
    from .parse import load_extractor  # the chunk's code, and Arrow for its tables

    extract = load_extractor(extractor_ref)
    with contextlib.suppress(Exception):  # another extractor (the tests' JSON one) may not read it
        extract(WARM_UP_REPORT.read_bytes(), WARM_UP_REPORT.name, known_localities={})
    pyarrow_without_pandas()  # after the extractor: one that imports pandas keeps pyarrow's use of it
    gc.freeze()  # the tables live as long as the worker: the collector need not walk them (nor at exit)


def _exit_with_parent() -> None:
    """End this worker when the process that started it dies (kill -9 included), instead of waiting for
    work forever as an orphan."""
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        multiprocessing.connection.wait([parent.sentinel])
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def pyarrow_without_pandas() -> None:
    """Let pyarrow find no pandas the first time it looks.

    The first time pyarrow builds an array from Python objects it imports pandas (≈0.5 s) only to ask
    whether they are a pandas Series. The ingest hands pyarrow lists and dicts, never pandas objects, so
    that first look is made while `import pandas` fails, and pyarrow goes on without pandas. Its explicit
    conversions (`to_pandas`) still import pandas when called. Nothing changes when pandas is imported.
    """
    if "pandas" in sys.modules:
        return
    import pyarrow as pa

    sys.meta_path.insert(0, _NO_PANDAS)
    try:
        pa.array([0])
    finally:
        sys.meta_path.remove(_NO_PANDAS)


class _NoPandasFinder:
    """An import finder under which `import pandas` fails (see `pyarrow_without_pandas`)."""

    def find_spec(self, name: str, path: object = None, target: object = None) -> None:
        if name.partition(".")[0] == "pandas":
            raise ImportError("pandas is not looked for here", name=name)


_NO_PANDAS = _NoPandasFinder()

# The pool `start_standby_pool` started: (workers, extractor), the pool, its start-up tasks.
_standby: tuple[tuple[int, str], ProcessPoolExecutor, list[Future]] | None = None


def start_standby_pool(workers: int, extractor_ref: str, warm: int) -> None:
    """Start `warm` workers of a pool of `workers` now; the next local pool of this process with the same
    `workers` and extractor is this one (`take_standby_pool`). It starts its other workers when given work.
    """
    global _standby
    stop_standby_pool()
    pool = new_pool(workers, extractor_ref)
    # While no worker is idle, each task submitted starts one more.
    _standby = ((workers, extractor_ref), pool, [pool.submit(os.getpid) for _ in range(min(warm, workers))])


def has_standby_pool(workers: int, extractor_ref: str) -> bool:
    return _standby is not None and _standby[0] == (workers, extractor_ref)


def take_standby_pool(workers: int, extractor_ref: str) -> ProcessPoolExecutor | None:
    """The standby pool for these settings (the caller shuts it down), unless a worker died starting."""
    global _standby
    if not has_standby_pool(workers, extractor_ref):
        return None
    assert _standby is not None
    _key, pool, started = _standby
    _standby = None
    if any(f.done() and f.exception() is not None for f in started):
        pool.shutdown(wait=False, cancel_futures=True)
        return None
    return pool


def stop_standby_pool() -> None:
    """Shut the standby pool down if nothing took it (its workers exit once started)."""
    global _standby
    if _standby is not None:
        _standby[1].shutdown(wait=False, cancel_futures=True)
        _standby = None

"""Parse chunks on a Dask cluster (`dask.distributed`) instead of the local process pool.

Only imported when a scheduler address is configured (`nianbao ingest --dask`, `NIANBAO_DASK_SCHEDULER`,
`ParserResource.dask_scheduler`). The workers need this project installed (same lock file) and must see the
report files and the warehouse's quarantine folder at the same paths as this process (a shared filesystem);
they hand back each chunk's Parquet bytes, and this process alone writes the staging folder and loads DuckDB.

Retries are Dask's: when a worker dies, the scheduler re-runs the chunks it was parsing on another worker,
and fails a chunk that was on more than `distributed.scheduler.allowed-failures` (default 3) dying workers.
On the worker, each chunk is parsed in a child process of its own (one per worker thread), so the per-file
time limit (SIGALRM, main thread only) holds as in the local pool, and a parser crash kills only the child.
"""

from __future__ import annotations

import os
import threading
import time
import uuid
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from itertools import islice
from multiprocessing import current_process, get_context

from distributed import Client, KilledWorker, as_completed, get_worker

from .parse import ChunkFailed, ChunkOutput, ChunkTask, ParseSettings, parse_chunk

CONNECT_TIMEOUT_S = 30  # to reach the scheduler, and for it to have a first worker
CHILD_RESTARTS = 2  # a chunk whose parse process died is retried on the workers this many times


class DaskCluster:
    """A `ChunkRunner` on the Dask scheduler at `address` (e.g. tcp://scheduler:8786)."""

    def __init__(self, address: str, timeout_s: float = CONNECT_TIMEOUT_S) -> None:
        self.address = address
        self.timeout_s = timeout_s

    def map(self, tasks: Iterable[ChunkTask], settings: ParseSettings) -> Iterator[ChunkOutput]:
        tasks = iter(tasks)
        first = next(tasks, None)
        if first is None:
            return
        with self._connect() as client:
            check_workers(client, first.rows[0]["raw_path"], settings.quarantine_dir)
            run = uuid.uuid4().hex[:12]
            # Sent once and fetched by each worker, not once per chunk. A task, not scattered data: when the
            # workers holding it die, the scheduler recomputes it (Dask keeps one replica of scattered data,
            # and losing it would cancel every chunk).
            shared = client.submit(_settings, settings, key=f"nianbao-settings-{run}", pure=False)
            by_key: dict[str, ChunkTask] = {}
            running = as_completed(loop=client.loop)

            def submit(task: ChunkTask) -> None:
                key = f"nianbao-parse-{run}-{task.no}"
                by_key[key] = task
                running.add(
                    client.submit(parse_on_worker, task, shared, key=key, pure=False, retries=CHILD_RESTARTS)
                )

            submit(first)
            # A bounded queue: two chunks per worker thread in flight, counted when the run starts.
            for task in islice(tasks, 2 * sum(client.nthreads().values()) - 1):
                submit(task)
            for future in running:
                task = by_key.pop(future.key)
                try:
                    output = future.result()
                # `from None`: the CLI prints the innermost cause, which would not name the chunk.
                except KilledWorker as exc:
                    raise ChunkFailed(f"Dask workers died while parsing {task.describe()}: {exc}") from None
                except BrokenProcessPool:
                    raise ChunkFailed(f"parse processes died while parsing {task.describe()}") from None
                future.release()
                yield output
                following = next(tasks, None)
                if following is not None:
                    submit(following)

    def _connect(self) -> Client:
        """A client of the scheduler once it has a worker; a clear error naming the address otherwise."""
        try:
            client = Client(self.address, timeout=self.timeout_s, set_as_default=False)
        except OSError as exc:  # `from None`: the CLI prints the innermost cause, which lacks the address
            raise ConnectionError(f"cannot reach the Dask scheduler at {self.address}: {exc}") from None
        try:
            client.wait_for_workers(1, timeout=self.timeout_s)
        except TimeoutError:
            client.close()
            raise ConnectionError(
                f"the Dask scheduler at {self.address} has had no worker for {self.timeout_s} s"
            ) from None
        return client


def check_workers(client: Client, report_file: bytes, quarantine_dir: str) -> None:
    """Fail before parsing when a worker cannot see the files or cannot start its parse processes."""
    answers = client.run(_worker_problems, report_file, quarantine_dir)
    listing = "; ".join(f"{w}: {', '.join(problems)}" for w, problems in sorted(answers.items()) if problems)
    if listing:
        raise ChunkFailed(
            "Dask workers cannot parse for nianbao (they need the report files and the warehouse's "
            f"quarantine folder on a shared filesystem, at the same paths as here; docs/scale.md): {listing}"
        )


def _worker_problems(report_file: bytes, quarantine_dir: str) -> list[str]:
    """On each worker: why it could not parse (a quarantine folder not made yet needs its parent)."""
    problems = []
    if not os.path.exists(report_file):
        problems.append(f"cannot see {os.fsdecode(report_file)}")
    if not (os.path.isdir(quarantine_dir) or os.path.isdir(os.path.dirname(quarantine_dir))):
        problems.append(f"cannot see {quarantine_dir}")
    if current_process().daemon:  # a nanny's worker, by default: multiprocessing refuses it children
        problems.append("daemonic worker process: start it with DASK_DISTRIBUTED__WORKER__DAEMON=False")
    return problems


# ---------------------------------------------------------------------------------------------------------
# On the worker
# ---------------------------------------------------------------------------------------------------------

_children: ProcessPoolExecutor | None = None
_children_lock = threading.Lock()


def _settings(settings: ParseSettings) -> ParseSettings:
    return settings


def parse_on_worker(task: ChunkTask, settings: ParseSettings) -> ChunkOutput:
    """The Dask task: parse the chunk in this worker's child processes, tagged with the worker's address."""
    worker = get_worker()
    pool = _child_pool(worker.state.nthreads)
    try:
        output = pool.submit(parse_chunk, task, settings).result()
    except BrokenProcessPool:
        _drop_child_pool(pool)
        raise  # Dask retries the task (retries=CHILD_RESTARTS)
    output.worker = str(worker.name)  # its address unless started with --name
    return output


def _child_pool(size: int) -> ProcessPoolExecutor:
    global _children
    with _children_lock:
        if _children is None:
            _children = ProcessPoolExecutor(
                max_workers=size,
                mp_context=get_context("spawn"),
                initializer=_exit_with_parent,
                initargs=(os.getpid(),),
            )
        return _children


def _drop_child_pool(pool: ProcessPoolExecutor) -> None:
    global _children
    with _children_lock:
        if _children is pool:
            _children = None
    pool.shutdown(wait=False, cancel_futures=True)


def _exit_with_parent(parent_pid: int) -> None:
    """In a child: end when its Dask worker is gone (a killed worker leaves no parse process behind)."""

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(1)
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()

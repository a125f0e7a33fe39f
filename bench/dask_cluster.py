"""The same corpus through the local process pool and through a 2-worker Dask cluster on this machine.

    python -m bench.dask_cluster --work /tmp/nianbao-dask-bench [--sizes 10k,100k] [--rounds 3]

Starts `dask scheduler` and two single-threaded `dask worker` processes (with nannies) on 127.0.0.1 (once,
before the measures; their start-up is not part of a run, as on a standing cluster), then alternates, per
size and round: `nianbao ingest --workers 2` (local pool) and `nianbao ingest --dask ADDRESS` (the cluster),
each on a fresh warehouse, in a subprocess: wall time of the whole process, peak RSS of its process tree,
and the Dagster steps' own durations (discover, parse, load, publish). Prints the Markdown section of
BENCHMARKS.md ("Beyond one machine") and saves results.json in the work folder. Kept apart from
`python -m bench`: it needs a cluster, and docs/scale.md projects from it.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from bench import corpus as corpora
from bench.measure import run_measured, tree_rss_bytes

# One ingest in a child process; prints the summary (with the Dagster step durations) as JSON.
INGEST = (
    "import dataclasses, json, sys\n"
    "from nianbao.commands.ingest import run_ingest\n"
    "options = json.loads(sys.argv[3])\n"
    "s = run_ingest([sys.argv[2]], sys.argv[1], **options)\n"
    "print('SUMMARY ' + json.dumps(dataclasses.asdict(s)))\n"
)
STEPS = {
    "staging__discovered_files": "discover",
    "staging__parsed_records": "parse",
    "warehouse_load": "load",
    "published__warehouse_snapshot": "publish",
}


def start_cluster(work: Path) -> tuple[str, list[subprocess.Popen]]:
    from distributed import Client

    scheduler_file = str(work / "scheduler.json")
    dask = [sys.executable, "-m", "dask"]
    # Workers as deployed: with their nannies, non-daemonic so that they may start their parse processes.
    env = {**os.environ, "DASK_DISTRIBUTED__WORKER__DAEMON": "False"}
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "env": env}
    processes = [
        subprocess.Popen(
            [*dask, "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
             "--scheduler-file", scheduler_file], **quiet
        )
    ] + [
        subprocess.Popen(
            [*dask, "worker", "--scheduler-file", scheduler_file, "--name", name, "--nthreads", "1",
             "--no-dashboard", "--host", "127.0.0.1"], **quiet
        )
        for name in ("w1", "w2")
    ]  # fmt: skip
    with Client(scheduler_file=scheduler_file, timeout=120, set_as_default=False) as client:
        client.wait_for_workers(2, timeout=120)
        return client.scheduler.address, processes


def ingest(warehouse: Path, reports: Path, options: dict, workers: list[subprocess.Popen]) -> dict:
    """One ingest; also the peak RSS of the Dask workers' process trees (nanny, worker, parse process)."""
    shutil.rmtree(warehouse.parent, ignore_errors=True)
    done = threading.Event()
    peak = [0]

    def sample() -> None:
        while not done.wait(0.1):
            peak[0] = max(peak[0], sum(tree_rss_bytes(w.pid) for w in workers))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        measured = run_measured(
            [sys.executable, "-c", INGEST, str(warehouse), str(reports), json.dumps(options)]
        )
    finally:
        done.set()
        sampler.join()
    if measured.returncode != 0:
        raise RuntimeError(f"ingest {options} failed:\n{measured.output[-3000:]}")
    summary = json.loads(measured.output.split("SUMMARY ", 1)[1])
    steps = {STEPS[k]: v for k, v in summary["step_seconds"].items() if k in STEPS}
    return {
        "seconds": measured.seconds,
        "peak_rss_mb": measured.peak_rss_mb,
        "workers_peak_rss_mb": peak[0] / 2**20,
        "steps": steps,
        "loaded": summary["loaded"],
        "files": summary["files_seen"],
        "by_worker": summary["chunks_by_dask_worker"],
    }


def run(sizes: list[int], rounds: int, work: Path) -> dict:
    work.mkdir(parents=True, exist_ok=True)
    address, processes = start_cluster(work)
    results: dict = {"rounds": rounds, "sizes": {}, "loadavg_start": _loadavg()}
    try:
        for size in sizes:
            label = corpora.size_label(size)
            corpus = corpora.generate(work / f"corpus-{label}", size, seed=1, formats="txt,html")
            runs: dict[str, list[dict]] = {"local pool, 2 processes": [], "Dask, 2 workers": []}
            for _ in range(rounds):
                for name, options in (
                    ("local pool, 2 processes", {"workers": 2}),
                    ("Dask, 2 workers", {"dask": address}),
                ):
                    run = ingest(work / "wh" / "warehouse.duckdb", corpus.reports, options, processes[1:])
                    runs[name].append(run)
                    print(f"{label} {name}: {runs[name][-1]['seconds']:.1f} s", file=sys.stderr, flush=True)
            results["sizes"][label] = {"files": corpus.files, "command": corpus.command, "runs": runs}
            shutil.rmtree(corpus.root, ignore_errors=True)
    finally:
        for process in processes:
            process.terminate()
            process.wait()
    results["loadavg_end"] = _loadavg()
    return results


def _loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def render(results: dict) -> str:
    lines = [
        "| corpus | parse on | runs | wall s (min / median) | files/s (median) | peak RSS MB: ingest "
        "| peak RSS MB: 2 Dask workers | discover s | parse s | load s | publish s "
        "| chunks per Dask worker |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for label, size in results["sizes"].items():
        for name, runs in size["runs"].items():
            walls = [r["seconds"] for r in runs]
            median = statistics.median(walls)
            steps = {k: statistics.median(r["steps"].get(k, 0.0) for r in runs) for k in STEPS.values()}
            spread = ", ".join(f"{w} {n}" for w, n in sorted(runs[-1]["by_worker"].items())) or "—"
            cells = [
                f"{label} ({size['files']:,} files)", name, str(len(runs)),
                f"{min(walls):.1f} / {median:.1f}",
                f"{size['files'] / median:,.0f}", f"{max(r['peak_rss_mb'] for r in runs):,.0f}",
                f"{max(r.get('workers_peak_rss_mb', 0) for r in runs):,.0f}",
                *(f"{steps[k]:.1f}" for k in ("discover", "parse", "load", "publish")), spread,
            ]  # fmt: skip
            lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def costs(results: dict) -> dict[str, float]:
    """Per-report costs from the Dask runs of the largest corpus (medians): parse core-seconds (2 worker
    cores), the coordinator's serial seconds (discover + load + publish), and the fixed rest of a run."""
    size = list(results["sizes"].values())[-1]
    runs = size["runs"]["Dask, 2 workers"]
    files = size["files"]

    def median(key: str) -> float:
        return statistics.median(r["steps"].get(key, 0.0) for r in runs)

    serial = median("discover") + median("load") + median("publish")
    return {
        "files": files,
        "parse_core_s": 2 * median("parse") / files,
        "serial_s": serial / files,
        "fixed_s": statistics.median(r["seconds"] for r in runs) - serial - median("parse"),
    }


WORKER_CORES = (8, 32, 128, 512)


def projection(label: str, parse_core_s: float, serial_s: float, fixed_s: float) -> list[str]:
    """Markdown rows: hours for 1M and 9M reports on N worker cores, time = fixed + n·serial + n·parse / N."""
    rows = []
    for n in (1_000_000, 9_000_000):
        hours = [(fixed_s + n * serial_s + n * parse_core_s / cores) / 3600 for cores in WORKER_CORES]
        cells = [f"{n / 1e6:g}M", label, f"{n * parse_core_s / 3600:,.1f}", f"{n * serial_s / 3600:.2f}"]
        rows.append("| " + " | ".join([*cells, *(f"{h:.2f}" for h in hours)]) + " |")
    return rows


def report(results: dict) -> str:
    """The BENCHMARKS.md section: the table, the per-report costs, and the projection rows they give."""
    cost = costs(results)
    rows = projection("as measured", cost["parse_core_s"], cost["serial_s"], cost["fixed_s"])
    return "\n".join([
        "## Beyond one machine: local pool and a 2-worker Dask cluster",
        "",
        f"`{results.get('command', 'python -m bench.dask_cluster')}` (bench/dask_cluster.py; not part of "
        "`python -m bench`, it starts a cluster). The same corpus, rounds alternating, each run on a fresh "
        "warehouse; the cluster (scheduler + 2 single-threaded workers with nannies, on this machine) was "
        "started before the runs. Step seconds are Dagster's own step durations (medians). Load average "
        f"at start {results.get('loadavg_start', '?')}, at end {results.get('loadavg_end', '?')}.",
        "",
        render(results),
        "",
        "Per-report costs from the Dask runs of the largest corpus, used by docs/scale.md: parse "
        f"{cost['parse_core_s'] * 1000:.2f} ms per report per worker core, coordinator (discover + load + "
        f"publish) {cost['serial_s'] * 1000:.3f} ms per report, fixed {cost['fixed_s']:.0f} s per run.",
        "",
        "| reports | costs | parse core-hours | serial hours | "
        + " | ".join(f"hours on {n} worker cores" for n in WORKER_CORES) + " |",
        "|---|---|---|---|" + "---|" * len(WORKER_CORES),
        *rows,
        "",
    ])  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.dask_cluster", description=__doc__)
    parser.add_argument("--sizes", default="10k")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--work", help="work folder (default: a new temporary one)")
    parser.add_argument("--out", type=Path, help="also write the section here (bench/dask_cluster.md)")
    parser.add_argument("--render", metavar="RESULTS_JSON", help="only re-render a saved run")
    args = parser.parse_args(argv)
    if args.render:
        results = json.loads(Path(args.render).read_text())
    else:
        work = Path(args.work or tempfile.mkdtemp(prefix="nianbao-dask-bench-"))
        sizes = [corpora.parse_size(s) for s in args.sizes.split(",")]
        results = run(sizes, args.rounds, work)
        results["command"] = "python -m bench.dask_cluster " + " ".join(argv or sys.argv[1:])
        (work / "results.json").write_text(json.dumps(results, indent=1))
    text = report(results)
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()

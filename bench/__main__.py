"""`python -m bench`: generate corpora, measure what a user gets next to floors and baselines, write
BENCHMARKS.md.

    python -m bench                              # 10k and 100k (the full run: ~15 min on 2 cores)
    python -m bench --sizes 10k                  # without the 100k ingest
    python -m bench --smoke                      # a few hundred reports: checks the benchmark code works
    python -m bench --out BENCHMARKS.md --work /tmp/nianbao-bench --keep
    python -m bench --render /tmp/nianbao-bench/results.json    # re-render from a saved run

Every headline figure is a whole process (the `nianbao` console script as a subprocess: start-up, a
single pass, output written to a file), repeated and reported as min / median / max, next to its floor
and baseline measured in the same run on the same files:

1. start-up: `nianbao --help`, `nianbao extract` of one report;
2. `nianbao extract --json` over every txt report of the base corpus (all cores), and over each format on
   one core (`--workers 1`), next to `bench.floor read` and `bench.baseline_re_pandas`;
3. ingests at the base size (10k): first ingest, no-change re-run, 100 new files, next to `bench.floor
   hash` / `stat` and the baseline loading DuckDB; at 100k: first ingest, no-change, 100 new files;
4. dashboard query latency and whole page runs on the largest snapshot (bench/queries.py, bench/pages.py);
5. labelled in-process figures (one core, warm, best round: not what a user sees) and pyinstrument
   profiles of extract, of a parse worker's chunk and of the ingest. bench/analysis.md is appended as is.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shlex
import shutil
import sys
import tempfile
import time
from pathlib import Path

from bench import commands, pages, parse, profile, queries, report
from bench import corpus as corpora
from bench import ingest as ing
from bench.measure import parallel_scaling

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "samples" / "000_b1d8bfba56152971.txt"


def machine() -> dict:
    mem_kb = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            mem_kb = int(line.split()[1])
    model = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    import dagster
    import duckdb

    cpus = len(os.sched_getaffinity(0))
    scaling, speed = parallel_scaling(cpus)
    return {
        "cpus": cpus,
        "cpu_model": model,
        "mem_gb": mem_kb / 2**20,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "dagster": dagster.__version__,
        "loadavg_start": _loadavg(),
        "parallel_start": scaling,
        "speed_start": speed,
    }


def _loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def _log(msg: str) -> None:
    print(f"[bench {dt.datetime.now():%H:%M:%S}] {msg}", file=sys.stderr, flush=True)


def _save(results: dict, work: Path) -> None:
    (work / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=1, default=str))


class Run:
    """One benchmark run: its folder, options and the results collected so far (saved after each stage)."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.work = Path(args.work or tempfile.mkdtemp(prefix="nianbao-bench-"))
        self.work.mkdir(parents=True, exist_ok=True)
        self.results: dict = {
            "command": "python -m bench " + " ".join(shlex.quote(a) for a in args.argv),
            "started_at": dt.datetime.now().isoformat(timespec="seconds"),
            "machine": machine(),
            "repeats": args.repeats,
            "corpora": [],
            "extract": {},
            "ingests": [],
        }

    def save(self) -> None:
        _save(self.results, self.work)

    def corpus(self, name: str, reports: int, *, seed: int, formats: str = "txt,html") -> corpora.Corpus:
        _log(f"generate {name} ({formats})")
        made = corpora.generate(self.work / f"corpus-{name}", reports, seed=seed, formats=formats, label=name)
        self.results["corpora"].append({**made.__dict__, "root": str(made.root)})
        return made


def extract_stage(run: Run, base: corpora.Corpus, binary: dict[str, corpora.Corpus]) -> None:
    args, work = run.args, run.work
    _log("start-up")
    run.results["start_up"] = commands.start_up(SAMPLE, work, max(args.repeats, 5))
    folders = work / "formats"
    sources = {"txt": (base, (".txt",)), "html": (base, (".html", ".htm"))}
    sources.update({fmt: (made, (f".{fmt}",)) for fmt, made in binary.items()})
    for fmt, (made, suffixes) in sources.items():
        files = corpora.subset(made, suffixes, folders / fmt)
        if not files:
            continue
        entry = run.results["extract"].setdefault(fmt, {"corpus": made.label})
        if fmt == "txt":
            _log(f"extract {len(files)} txt files, all cores")
            entry["all_cores"] = commands.extract_folder(folders / fmt, len(files), work, args.repeats)
        _log(f"extract {len(files)} {fmt} files, one core")
        entry["one_core"] = commands.extract_folder(
            folders / fmt, len(files), work, args.repeats, workers=1, compare=fmt != "txt"
        )
        run.save()
    shutil.rmtree(folders, ignore_errors=True)


def in_process_stage(run: Run, base: corpora.Corpus, binary: dict[str, corpora.Corpus]) -> list[Path]:
    """One core, warm, best round: what bounds the whole-process figures, labelled as such."""
    args = run.args
    throughput: dict = {}
    for suffix in (".txt", ".html"):
        paths = corpora.sample(base, suffix, args.parse_sample)
        if paths:
            _log(f"in-process {suffix}: {len(paths)} files, {args.rounds} rounds")
            rates = parse.throughput(paths, rounds=args.rounds)
            throughput[suffix] = {"corpus": base.label, "files": len(paths), "rates": rates}
    for fmt, made in binary.items():
        paths = corpora.sample(made, f".{fmt}", args.parse_sample // 10)
        if paths:
            _log(f"in-process .{fmt}: {len(paths)} files")
            rates = parse.throughput(paths, rounds=1, baseline=False)
            throughput[f".{fmt}"] = {"corpus": made.label, "files": len(paths), "rates": rates}
    run.results["in_process"] = throughput
    run.results["instructions"] = instruction_counts(base, binary, args.instruction_files)
    txt = corpora.sample(base, ".txt", args.parse_sample)
    run.results["activities"] = parse.activities_cost(txt, rounds=args.rounds)
    run.save()
    return txt


def instruction_counts(base: corpora.Corpus, binary: dict[str, corpora.Corpus], files: int) -> dict:
    """Instructions per report (callgrind), a measure the machine's load does not move: what two runs'
    figures are compared by. Empty when valgrind is not installed."""
    from bench import instructions

    if not files or not instructions.available():
        return {}
    counts = {}
    corpora_of = {"txt": base, "html": base, **({"docx": binary["docx"]} if "docx" in binary else {})}
    for fmt, made in corpora_of.items():
        n = instructions.countable(made.reports, fmt, files)
        if n:
            _log(f"instructions .{fmt}: {n} reports under callgrind")
            counts[fmt] = {"corpus": made.label, "reports": n,
                           "per_report": instructions.count(made.reports, fmt, n) / n}  # fmt: skip
    return counts


def ingest_stage(run: Run, sizes: dict[int, corpora.Corpus], base_size: int) -> Path:
    """Ingests at every size; the floors at the base size. Returns the largest warehouse."""
    args, work = run.args, run.work
    new = run.corpus("new", args.repeats * 120, seed=args.seed + 1000)  # 100 new files per repeat
    new_files = sorted(p for p in new.reports.iterdir() if p.is_file())
    warehouse = work / "wh" / "warehouse.duckdb"
    for n, made in sorted(sizes.items()):
        label = corpora.size_label(n)
        warehouse = work / f"wh-{label}" / "warehouse.duckdb"
        repeats = args.repeats if n <= base_size else 1
        if n == base_size:
            _log(f"floors at {label}")
            run.results["ingest_floors"] = {"label": label, **ing.floors(made.reports, work, args.repeats)}
        _log(f"ingest {label}: first ingest x{repeats}")
        run.results["ingests"].append(
            {**ing.fresh(f"first ingest, {label}", warehouse, made.reports, repeats), "files": made.files}
        )
        _log(f"ingest {label}: no-change x{args.repeats}")
        run.results["ingests"].append(
            ing.no_change(f"no-change re-run, {label}", warehouse, made.reports, max(args.repeats, 3))
        )
        _log(f"ingest {label}: +100 new files x{repeats}")
        run.results["ingests"].append(
            ing.incremental(f"+100 new files into {label}", warehouse, made.reports, new_files, repeats, 100)
        )
        run.save()
    shutil.rmtree(new.root, ignore_errors=True)
    return warehouse


def profile_stage(run: Run, base: corpora.Corpus, txt: list[Path]) -> None:
    args, work = run.args, run.work
    _log("profile extract")
    sample = txt[: args.profile_sample]
    run.results["extract_profile"] = {
        "note": f"{len(sample)} txt reports of the {base.label} corpus, twice, after a warm-up, in one "
        "process (frames under 2% hidden).",
        "text": profile.trim(profile.extract_profile(sample)),
    }
    mixed = sorted(corpora.sample(base, ".txt", args.profile_sample // 2))
    mixed += sorted(corpora.sample(base, ".html", args.profile_sample // 2))
    _log("profile a parse worker's chunk")
    run.results["chunk_profile"] = {
        "note": "What one ingest parse worker does (`parse_chunk`: read, extract, flatten to tables, "
        f"write Parquet) for {len(mixed)} files of the {base.label} corpus, txt and html as in the "
        "ingested corpora, in this process (frames under 2% hidden).",
        "text": profile.trim(profile.chunk_profile(mixed, work / "chunk-profile")),
    }
    _log(f"profile ingest {base.label}")
    profile_text = work / "ingest-profile.txt"
    prof = ing.fresh_profiled(
        work / "wh-profile" / "warehouse.duckdb", base.reports, profile.pyinstrument_wrapper(profile_text)
    )
    run.results["ingest_profile"] = {
        "note": f"`{prof}` of the {base.label} corpus ({base.files:,} files) into an empty warehouse under "
        "pyinstrument (main process; frames under 2% hidden). The parse workers are separate processes: "
        "here their time is the main process waiting in `parse_candidates`.",
        "text": profile.trim(profile_text.read_text(encoding="utf-8"), 90),
    }


def compile_bytecode() -> None:
    """The project's bytecode, written as scripts/bootstrap.sh writes it at install. Where bytecode is not
    written on import (PYTHONDONTWRITEBYTECODE, as here), a module edited since the install would otherwise be
    compiled from source by every process measured: the figures are those of an installed checkout."""
    import compileall

    root = Path(__file__).resolve().parent.parent
    for package in ("nianbao", "transforms", "dagster_project", "dashboard", "bench"):
        compileall.compile_dir(root / package, quiet=1, workers=0)


def run_all(args: argparse.Namespace) -> dict:
    compile_bytecode()
    sizes_wanted = sorted({corpora.parse_size(s) for s in ("300" if args.smoke else args.sizes).split(",")})
    run = Run(args)
    started = time.perf_counter()
    _log(f"work folder {run.work}; sizes {sizes_wanted}")
    base_size = max([n for n in sizes_wanted if n <= 10_000] or [min(sizes_wanted)])
    sizes = {n: run.corpus(corpora.size_label(n), n, seed=args.seed) for n in sizes_wanted}
    base = sizes[base_size]
    binary = {
        fmt: run.corpus(f"{fmt}-only", count, seed=args.seed, formats=fmt)
        for fmt, count in (("docx", args.docx_files), ("pdf", args.pdf_files))
    }
    run.save()

    extract_stage(run, base, binary)
    txt = in_process_stage(run, base, binary)
    for made in binary.values():
        shutil.rmtree(made.root, ignore_errors=True)
    largest = ingest_stage(run, sizes, base_size)

    _log("dashboard queries")
    info = json.loads((largest.parent / "published" / "warehouse.snapshot.json").read_text())
    run.results["queries"] = {
        "label": corpora.size_label(max(sizes)),
        "reports": info.get("counts", {}).get("reports", 0),
        "repeats": args.query_repeats,
        "rows": queries.latency(largest, repeats=args.query_repeats),
    }
    _log("dashboard pages")
    run.results["pages"] = {
        "label": run.results["queries"]["label"],
        "reports": run.results["queries"]["reports"],
        "rounds": args.page_rounds,
        "rows": pages.latency(largest, rounds=args.page_rounds, first=max(sizes) >= 10_000),
    }
    run.save()
    if not args.no_profile:
        profile_stage(run, base, txt)
    run.results["loadavg_end"] = _loadavg()
    run.results["parallel_end"], run.results["speed_end"] = parallel_scaling(run.results["machine"]["cpus"])
    run.results["total_seconds"] = time.perf_counter() - started
    run.save()
    if not args.keep:
        for child in run.work.iterdir():
            if child.name.startswith(("corpus-", "wh-", "chunk-profile")):
                shutil.rmtree(child, ignore_errors=True)
    return run.results


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10k,100k", help="corpus sizes in reports, e.g. 10k,100k")
    parser.add_argument("--smoke", action="store_true", help="300 reports only (checks the benchmark code)")
    parser.add_argument(
        "--out", help="markdown report to write (default: BENCHMARKS.md; with --smoke: <work>/BENCHMARKS.md)"
    )
    parser.add_argument("--work", help="work folder for corpora and warehouses (default: a new /tmp folder)")
    parser.add_argument("--keep", action="store_true", help="keep corpora and warehouses")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=3, help="runs of every whole-process measure")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of the in-process measures")
    parser.add_argument("--parse-sample", type=int, default=2000, help="files per format, in-process")
    parser.add_argument("--docx-files", type=int, default=600, help="reports of the docx-only corpus")
    parser.add_argument("--pdf-files", type=int, default=300, help="reports of the pdf-only corpus")
    parser.add_argument("--profile-sample", type=int, default=1000)
    parser.add_argument(
        "--instruction-files", type=int, default=300, help="reports per format counted by callgrind (0: none)"
    )
    parser.add_argument("--query-repeats", type=int, default=20)
    parser.add_argument("--page-rounds", type=int, default=5, help="cold + warm runs of each dashboard page")
    parser.add_argument("--no-profile", action="store_true")
    parser.add_argument(
        "--render", metavar="RESULTS_JSON", help="only re-render --out from a saved <work>/results.json"
    )
    args = parser.parse_args(argv)
    args.argv = argv
    if args.smoke and not args.work:
        args.work = tempfile.mkdtemp(prefix="nianbao-bench-smoke-")
    results = json.loads(Path(args.render).read_text(encoding="utf-8")) if args.render else run_all(args)
    out = Path(args.out or (Path(args.work) / "BENCHMARKS.md" if args.smoke else "BENCHMARKS.md"))
    out.write_text(report.render(results), encoding="utf-8")
    _log(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

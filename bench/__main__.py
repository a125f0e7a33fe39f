"""`python -m bench`: generate corpora, measure the pipeline side by side, write BENCHMARKS.md.

    python -m bench                              # 1k, 10k, 100k (the full run: ~5-10 min on 2 cores)
    python -m bench --sizes 1k,10k               # smaller
    python -m bench --smoke                      # 1k only, fast: checks the benchmark code works
    python -m bench --out BENCHMARKS.md --work /tmp/nianbao-bench --keep
    python -m bench --render /tmp/nianbao-bench/results.json    # re-render from a saved run

Stages, all in one run: corpora (nianbao generate); parse + extract throughput per core next to the
read + decode floor and the re + pandas baseline (txt and html of the largest corpus <= 10k, interleaved
rounds); a PDF/DOCX sample measured separately; full ingests (nianbao ingest in a subprocess, wall time and
peak RSS of the process tree) at every size >= 10k (every size when none is); a no-change re-run and
100 new files at the largest size; dashboard query latency and whole page runs on its snapshot;
warehouse size per 1,000 reports; pyinstrument profiles of extract, of a parse worker's chunk and of the
ingest. bench/analysis.md (what was changed and what bounds each measure) is appended to the report as it
is."""

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

from bench import corpus as corpora
from bench import ingest as ing
from bench import pages, parse, profile, queries, report


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

    return {
        "cpus": len(os.sched_getaffinity(0)),
        "cpu_model": model,
        "mem_gb": mem_kb / 2**20,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "dagster": dagster.__version__,
        "loadavg_start": _loadavg(),
    }


def _loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def _log(msg: str) -> None:
    print(f"[bench {dt.datetime.now():%H:%M:%S}] {msg}", file=sys.stderr, flush=True)


def _save(results: dict, work: Path) -> None:
    (work / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=1, default=str))


def run(args: argparse.Namespace) -> dict:
    sizes = [corpora.parse_size(s) for s in ("1k" if args.smoke else args.sizes).split(",")]
    sizes = sorted(set(sizes))
    work = Path(args.work or tempfile.mkdtemp(prefix="nianbao-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    results: dict = {
        "command": "python -m bench " + " ".join(shlex.quote(a) for a in args.argv),
        "started_at": dt.datetime.now().isoformat(timespec="seconds"),
        "machine": machine(),
        "commands": [],
        "corpora": [],
        "ingests": [],
        "sizes_on_disk": [],
    }
    _log(f"work folder {work}; sizes {sizes}")

    # 1. corpora
    made: dict[int, corpora.Corpus] = {}
    for n in sizes:
        _log(f"generate {corpora.size_label(n)}")
        made[n] = corpora.generate(work / f"corpus-{corpora.size_label(n)}", n, seed=args.seed)
        results["corpora"].append({**made[n].__dict__, "root": str(made[n].root)})
        results["commands"].append(made[n].command)

    # 2. one-core throughput: txt and html of the largest corpus <= 10k, next to floor and baseline
    source = made[max(n for n in sizes if n <= 10_000)] if min(sizes) <= 10_000 else made[min(sizes)]
    results["throughput"] = {}
    for suffix in (".txt", ".html"):
        paths = corpora.sample(source, suffix, args.parse_sample)
        if not paths:
            continue
        _log(f"throughput {suffix}: {len(paths)} files, {args.rounds} rounds")
        rates = parse.throughput(paths, rounds=args.rounds)
        results["throughput"][suffix] = {"corpus": source.label, "files": len(paths), "rates": rates}
    txt = corpora.sample(source, ".txt", args.parse_sample)
    results["activities"] = parse.activities_cost(txt, rounds=args.rounds)

    # 3. PDF / DOCX, a separate small sample (slow to generate and to read)
    binary = corpora.generate(
        work / "corpus-pdf-docx", args.binary_sample, seed=args.seed, formats="pdf,docx", label="pdf+docx"
    )
    results["commands"].append(binary.command)
    results["binary_formats"] = {}
    for suffix in (".pdf", ".docx"):
        paths = corpora.sample(binary, suffix, args.binary_sample)
        if paths:
            _log(f"throughput {suffix}: {len(paths)} files")
            rates = parse.throughput(paths, rounds=1, baseline=False)
            results["binary_formats"][suffix] = {"files": len(paths), "rates": rates}
    shutil.rmtree(binary.root, ignore_errors=True)
    _save(results, work)

    # 4. full ingests
    ingest_sizes = [n for n in sizes if n >= 10_000] or sizes
    largest = max(ingest_sizes)
    # The ingest profile: a separate run into a fresh warehouse at the smallest ingest size, or, below 10k
    # (--smoke, tests) where no target is measured, the full ingest itself runs under the profiler.
    profile_text = work / "ingest-profile.txt"
    profile_inline = not args.no_profile and largest < 10_000
    for n in ingest_sizes:
        wh = work / f"wh-{corpora.size_label(n)}" / "warehouse.duckdb"
        shutil.rmtree(wh.parent, ignore_errors=True)
        _log(f"ingest {corpora.size_label(n)}")
        wrapper = profile.pyinstrument_wrapper(profile_text) if profile_inline and n == largest else []
        label = f"full {corpora.size_label(n)}" + (" (under pyinstrument)" if wrapper else "")
        result = ing.ingest(label, wh, [made[n].reports], wrapper=wrapper)
        results["ingests"].append({**result.__dict__, "files": made[n].files, "output": result.output[-800:]})
        results["commands"].append(
            " ".join(["pyinstrument ...", *result.command.split()]) if wrapper else result.command
        )
        reports = max(1, result.counts.get("loaded", 0) + result.counts.get("superseded", 0))
        results["sizes_on_disk"].append(
            {
                "label": corpora.size_label(n),
                "reports": reports,
                "warehouse_mb": result.warehouse_mb,
                "snapshot_mb": result.snapshot_mb,
                "quarantine_mb": ing.dir_mb(wh.parent / "quarantine"),
                "mb_per_1000": result.warehouse_mb / reports * 1000,
            }
        )
        _save(results, work)
        if n != largest:
            continue
        _log("no-change re-run")
        rerun = ing.ingest(f"no-change re-run {corpora.size_label(n)}", wh, [made[n].reports])
        results["ingests"].append({**rerun.__dict__, "files": made[n].files, "output": rerun.output[-800:]})
        results["commands"].append(rerun.command)
        _log("+100 new files")
        extra = corpora.generate(work / "corpus-new", 120, seed=args.seed + 1000, label="new")
        results["commands"].append(extra.command)
        added = ing.add_new_files(extra.reports, made[n].reports / "new", 100)
        add = ing.ingest(f"+{added} new files into {corpora.size_label(n)}", wh, [made[n].reports])
        results["ingests"].append(
            {**add.__dict__, "files": made[n].files + added, "output": add.output[-800:]}
        )
        copied = f"cp <first {added} files of {extra.command.split()[2]}/reports> {made[n].reports}/new/"
        results["commands"].append(f"{copied} && {add.command}")
        shutil.rmtree(extra.root, ignore_errors=True)
        _save(results, work)

        # 5. dashboard queries on the largest warehouse's snapshot
        _log("dashboard queries")
        rows = queries.latency(wh, repeats=args.query_repeats)
        info = json.loads((wh.parent / "published" / "warehouse.snapshot.json").read_text())
        results["queries"] = {
            "label": corpora.size_label(n),
            "reports": info.get("counts", {}).get("reports", 0),
            "repeats": args.query_repeats,
            "rows": rows,
        }
        _log("dashboard pages")
        results["pages"] = {
            "label": corpora.size_label(n),
            "reports": results["queries"]["reports"],
            "rounds": args.page_rounds,
            "rows": pages.latency(wh, rounds=args.page_rounds, first=n >= 10_000),  # new processes: slow
        }
        _save(results, work)

    # 6. profiles
    if not args.no_profile:
        _log("profile extract")
        sample = txt[: args.profile_sample]
        results["extract_profile"] = {
            "note": f"{len(sample)} txt reports of the {source.label} corpus, twice, after a warm-up "
            "(frames under 2% hidden).",
            "text": profile.trim(profile.extract_profile(sample)),
        }
        mixed = sorted(corpora.sample(source, ".txt", args.profile_sample // 2))
        mixed += sorted(corpora.sample(source, ".html", args.profile_sample // 2))
        _log("profile a parse worker's chunk")
        results["chunk_profile"] = {
            "note": "What one ingest parse worker does (`parse_chunk`: read, extract, flatten to tables, "
            f"write Parquet) for {len(mixed)} files of the {source.label} corpus, txt and html as in the "
            "ingested corpora, in this process (frames under 2% hidden).",
            "text": profile.trim(profile.chunk_profile(mixed, work / "chunk-profile")),
        }
        prof_n = min(ingest_sizes)
        if not profile_inline:
            _log(f"profile ingest {corpora.size_label(prof_n)}")
            prof = ing.ingest(
                f"profiled {corpora.size_label(prof_n)}",
                work / "wh-profile" / "warehouse.duckdb",
                [made[prof_n].reports],
                wrapper=profile.pyinstrument_wrapper(profile_text),
            )
            results["commands"].append(f"pyinstrument -o {profile_text} {prof.command}")
        results["ingest_profile"] = {
            "note": f"`nianbao ingest` of the {corpora.size_label(prof_n)} corpus "
            f"({made[prof_n].files:,} files) into a fresh warehouse under pyinstrument (main process; frames "
            "under 2% hidden). The parse workers are separate processes: here their time is the main "
            "process waiting in `parse_candidates`.",
            "text": profile.trim(profile_text.read_text(encoding="utf-8"), 90),
        }
    results["loadavg_end"] = _loadavg()
    results["total_seconds"] = time.perf_counter() - started
    _save(results, work)
    if not args.keep:
        for n in sizes:
            shutil.rmtree(made[n].root, ignore_errors=True)
            shutil.rmtree(work / f"wh-{corpora.size_label(n)}", ignore_errors=True)
        shutil.rmtree(work / "wh-profile", ignore_errors=True)
        shutil.rmtree(work / "chunk-profile", ignore_errors=True)
    return results


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1k,10k,100k", help="corpus sizes in reports, e.g. 1k,10k,100k")
    parser.add_argument("--smoke", action="store_true", help="1k only (checks the benchmark code)")
    parser.add_argument(
        "--out", help="markdown report to write (default: BENCHMARKS.md; with --smoke: <work>/BENCHMARKS.md)"
    )
    parser.add_argument("--work", help="work folder for corpora and warehouses (default: a new /tmp folder)")
    parser.add_argument("--keep", action="store_true", help="keep corpora and warehouses")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds for throughput")
    parser.add_argument("--parse-sample", type=int, default=2000, help="files per format for throughput")
    parser.add_argument("--binary-sample", type=int, default=120, help="PDF/DOCX files for their sample")
    parser.add_argument("--profile-sample", type=int, default=1000)
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
    results = json.loads(Path(args.render).read_text(encoding="utf-8")) if args.render else run(args)
    out = Path(args.out or (Path(args.work) / "BENCHMARKS.md" if args.smoke else "BENCHMARKS.md"))
    out.write_text(report.render(results), encoding="utf-8")
    _log(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Render the results of `python -m bench` as BENCHMARKS.md."""

from __future__ import annotations

from pathlib import Path

from bench import pages
from bench.parse import BASELINE, FLOOR, IN_MEMORY, NIANBAO

# The targets of issue 13 (whole process, start-up included) and the earlier ones that still hold.
TARGETS = {
    "help_s": 0.5,  # nianbao --help, wall
    "one_file_cpu_s": 1.0,  # nianbao extract of one report, CPU
    "extract_txt_rate": 2000.0,  # reports/s, all cores
    "extract_txt_floor_share": 1 / 25,  # of the read + decode floor
    "per_core": {"html": 1000.0, "docx": 500.0, "pdf": 50.0},  # reports/s, one core
    "ingest_first_10k_s": 12.0,
    "rerun_10k_s": 3.0,
    "add100_10k_s": 6.0,
    "ingest_first_100k_s": 300.0,
    "ingest_rss_mb": 2048.0,
    "rerun_100k_s": 10.0,
    "add100_100k_s": 30.0,
    "activities_ms": 0.3,
    "query_p95_ms": 200.0,
}
ANALYSIS = Path(__file__).with_name("analysis.md")
DASK_CLUSTER = Path(__file__).with_name("dask_cluster.md")  # written by `python -m bench.dask_cluster --out`


def _ok(value: float | None, target: float, higher_is_better: bool = False) -> str:
    if value is None:
        return ""
    met = value >= target if higher_is_better else value <= target
    return "yes" if met else "**no**"


def _n(value: float | None, digits: int = 0) -> str:
    if value is None:
        return "–"
    return f"{value:,.{digits}f}"


def _spread(s: dict, digits: int = 2, unit: str = "") -> str:
    return f"{_n(s['min'], digits)} / **{_n(s['median'], digits)}** / {_n(s['max'], digits)}{unit}"


def _rates(files: int, seconds: dict) -> dict:
    """Files per second from a spread of seconds (the slowest run gives the lowest rate)."""
    return {"min": files / seconds["max"], "median": files / seconds["median"], "max": files / seconds["min"]}


def _share(rate: float, other: float) -> str:
    """nianbao's rate against another's, as a fraction or a multiple."""
    if rate < other:
        return f"nianbao: 1/{other / rate:.1f} of it"
    return f"nianbao: {rate / other:.1f}x it"


def _runs(m: dict) -> str:
    return f"{m['runs']} run{'s' if m['runs'] != 1 else ''}"


def start_up_rows(r: dict) -> list[tuple[str, ...]]:
    s = r.get("start_up")
    if not s:
        return []
    help_, one = s["help"], s["one_file"]
    return [
        (
            "`nianbao --help`, wall (s)",
            f"`{help_['command']}`, {_runs(help_)}",
            _spread(help_["seconds"]),
            f"<= {TARGETS['help_s']}",
            _ok(help_["seconds"]["median"], TARGETS["help_s"]),
        ),
        (
            "`nianbao extract` of one report, CPU (s)",
            f"`{one['command']}`, {_runs(one)}; wall {_spread(one['seconds'])}",
            _spread(one["cpu_seconds"]),
            f"<= {TARGETS['one_file_cpu_s']}",
            _ok(one["cpu_seconds"]["median"], TARGETS["one_file_cpu_s"]),
        ),
    ]


def extract_rows(r: dict) -> list[tuple[str, ...]]:
    rows = []
    for fmt, entry in r.get("extract", {}).items():
        for scope in ("all_cores", "one_core"):
            e = entry.get(scope)
            if not e:
                continue
            rate = _rates(e["files"], e["nianbao"]["seconds"])
            where = "all cores" if scope == "all_cores" else "one core (`--workers 1`)"
            target, met = "", ""
            if scope == "all_cores" and fmt == "txt":
                target = f">= {_n(TARGETS['extract_txt_rate'])}; >= 1/25 of the floor"
                floor = _rates(e["files"], e["floor"]["seconds"])["median"]
                share = min(rate["median"] / TARGETS["extract_txt_rate"], 25 * rate["median"] / floor)
                met = _ok(share, 1, True)
            elif scope == "one_core" and fmt in TARGETS["per_core"]:
                target = f">= {_n(TARGETS['per_core'][fmt])}"
                met = _ok(rate["median"], TARGETS["per_core"][fmt], True)
            rows.append(
                (
                    f"`nianbao extract --json`, {fmt}, {where} (reports/s)",
                    f"{e['files']:,} {fmt} files of the {entry['corpus']} corpus, {_runs(e['nianbao'])}; "
                    f"CPU {_spread(e['nianbao']['cpu_seconds'], 1)} s",
                    _spread(rate, 0),
                    target,
                    met,
                )
            )
            for key, what in (("floor", "read + decode floor"), ("baseline", "baseline re + pandas")):
                if key not in e:
                    continue
                other = _rates(e["files"], e[key]["seconds"])
                rows.append(
                    (
                        f"  {what}, {fmt} (reports/s)",
                        f"`{e[key]['command']}`, same files, {_runs(e[key])}",
                        _spread(other, 0),
                        "",
                        _share(rate["median"], other["median"]),
                    )
                )
    return rows


def ingest_rows(r: dict) -> list[tuple[str, ...]]:
    rows = []
    floors = r.get("ingest_floors")
    for run in r.get("ingests", []):
        label = run["label"]
        big = label.endswith("100k")
        counts = run.get("counts", {})
        target, met = "", ""
        median = run["seconds"]["median"]
        if label.startswith("first ingest"):
            key = "ingest_first_100k_s" if big else "ingest_first_10k_s"
            target = f"<= {_n(TARGETS[key])} s, <= {_n(TARGETS['ingest_rss_mb'])} MB"
            ok = median <= TARGETS[key] and run["peak_rss_mb"] <= TARGETS["ingest_rss_mb"]
            met = "yes" if ok else "**no**"
        elif label.startswith("no-change"):
            key = "rerun_100k_s" if big else "rerun_10k_s"
            target, met = f"<= {_n(TARGETS[key])} s", _ok(median, TARGETS[key])
        elif label.startswith("+100"):
            key = "add100_100k_s" if big else "add100_10k_s"
            target, met = f"<= {_n(TARGETS[key])} s", _ok(median, TARGETS[key])
        rows.append(
            (
                f"`nianbao ingest`: {label} (s)",
                f"{counts.get('files_seen', 0):,} files seen, {counts.get('new', 0):,} new, {_runs(run)}; "
                f"CPU {_spread(run['cpu_seconds'], 1)} s; peak RSS {run['peak_rss_mb']:,.0f} MB",
                _spread(run["seconds"], 1),
                target,
                met,
            )
        )
        if floors and label.startswith(("first ingest", "no-change")) and label.endswith(floors["label"]):
            keys = ("hash", "baseline") if label.startswith("first") else ("stat",)
            names = {
                "hash": "floor: read + hash every file",
                "baseline": "baseline re + pandas into DuckDB",
                "stat": "floor: stat every file",
            }
            for key in keys:
                f = floors[key]
                rows.append(
                    (
                        f"  {names[key]} (s)",
                        f"`{f['command']}`, {_runs(f)}",
                        _spread(f["seconds"], 2),
                        "",
                        f"nianbao: {median / f['seconds']['median']:.1f}x its time",
                    )
                )
    return rows


def _query_p95(row: dict) -> float:
    return row.get("p95_query_ms", row["p95_ms"])


def query_rows(r: dict) -> list[tuple[str, ...]]:
    q = r.get("queries")
    if not q:
        return []
    timed = [row for row in q["rows"] if "p95_ms" in row]
    timed = timed or [{"p95_ms": 0.0, "page": "", "query": "", "filters": ""}]
    worst = max(timed, key=_query_p95)
    over = [row for row in timed if _query_p95(row) > TARGETS["query_p95_ms"]]
    rows = [
        (
            "dashboard queries, worst p95 of one SQL query (ms)",
            f"{q['reports']:,} current reports, {len(q['rows'])} function × filter cases",
            f"{_query_p95(worst):.0f} ({worst['page']}: {worst['query']}, filters {worst['filters']}); "
            f"{len(over)} of {len(timed)} over the target",
            f"<= {_n(TARGETS['query_p95_ms'])}",
            _ok(_query_p95(worst), TARGETS["query_p95_ms"]),
        )
    ]
    errors = [row for row in q["rows"] if "error" in row]
    if errors:
        rows.append(
            (
                "dashboard queries that failed",
                "",
                "; ".join(f"{row['page']}: {row['query']}" for row in errors),
                "none",
                "**no**",
            )
        )
    return rows


def page_rows(r: dict) -> list[tuple[str, ...]]:
    if not r.get("pages"):
        return []
    rows_ = r["pages"]["rows"]
    worst = max(rows_, key=lambda x: max(x["cold_max_s"], x["warm_max_s"]))
    slowest = max(worst["cold_max_s"], worst["warm_max_s"])
    return [
        (
            "dashboard pages, slowest whole page run (s, cold after a publish or warm)",
            f"{r['pages']['reports']:,} current reports, {len(rows_)} pages × {r['pages']['rounds']} rounds",
            f"{slowest:.2f} ({worst['page']}); median cold / warm of that page "
            f"{worst['cold_median_s']:.2f} / {worst['warm_median_s']:.2f}",
            f"<= {pages.TARGET_S}",
            _ok(slowest, pages.TARGET_S),
        )
    ]


def size_rows(r: dict) -> list[tuple[str, ...]]:
    rows = []
    for run in r.get("ingests", []):
        if not run["label"].startswith("first ingest") or "warehouse_mb" not in run:
            continue
        counts = run.get("counts", {})
        reports = max(1, counts.get("loaded", 0) + counts.get("superseded", 0))
        rows.append(
            (
                "warehouse size per 1,000 reports (MB)",
                f"{run['label']}: {reports:,} reports, file {run['warehouse_mb']:.0f} MB",
                f"{run['warehouse_mb'] / reports * 1000:.2f} (snapshot: {run['snapshot_mb']:.0f} MB; "
                f"quarantined copies: {run['quarantine_mb']:.1f} MB)",
                "",
                "",
            )
        )
    return rows


def _rate(rates: dict, name: str) -> str:
    """'2,345 (cpu 2,480)': wall-clock best round, and by the process's CPU time."""
    cpu = rates.get(f"{name} [cpu]")
    return _n(rates[name]) + (f" (cpu {_n(cpu)})" if cpu else "")


def in_process_rows(r: dict) -> list[tuple[str, ...]]:
    rows = []
    for fmt, tp in r.get("in_process", {}).items():
        rates, kind = tp["rates"], fmt[1:]
        n = rates[NIANBAO]
        files = f"{tp['files']} {kind} files of {tp['corpus']}"
        rows.append((f"parse + extract, {kind}", files, _rate(rates, NIANBAO)))
        rows.append((f"  read + decode floor, {kind}", "same files", _rate(rates, FLOOR)))
        if BASELINE in rates:
            rows.append((f"  baseline re + pandas, {kind}", "same files", _rate(rates, BASELINE)))
        rows.append((f"  extract from bytes in memory, {kind}", "same files", _rate(rates, IN_MEMORY)))
        text = f"{n / rates[FLOOR]:.3f} of the floor"
        if BASELINE in rates:
            text += f"; {n / rates[BASELINE]:.3f} of the baseline"
        rows.append((f"  ratios, {kind}", "", text))
    act = r.get("activities")
    if act:
        rows.append(
            (
                "activities alone (ms/report; issue 3's budget <= 0.3)",
                f"{act['reports']} txt reports, {act['activities']} activities",
                _n(act["ms_per_report"], 3),
            )
        )
    return rows


def instructions_section(counts: dict) -> list[str]:
    rows = [
        (fmt, f"{c['reports']} {fmt} reports of {c['corpus']}", f"{c['per_report'] / 1e6:.2f} M")
        for fmt, c in counts.items()
    ]
    return [
        "## Instructions per report (callgrind; not what a user sees)",
        "",
        "`python -m bench.instructions`: the instructions `extract_bytes` executes per report in one",
        "process, after a warm-up on other reports (tables built; each institution's memos empty), counted",
        "by callgrind. Unlike the times above they move by about 1 % between runs whatever the machine's",
        "load: two runs compare by these. (SHA-256 costs more here than on the CPU, whose SHA instructions",
        "valgrind does not use: about 1 M of a .docx file's count.)",
        "",
        *_table(("format", "reports", "instructions a report"), rows),
        "",
    ]


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    return [
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
        *(f"| {' | '.join(row)} |" for row in rows),
    ]


def _queries_section(q: dict) -> list[str]:
    out = [
        "## Dashboard queries",
        "",
        "Every query function the pages call (dashboard/queries.py, found in dashboard/views/*.py, "
        f"filters.py, drill.py), run directly against the published snapshot of the {q['label']} "
        "warehouse without Streamlit's cache: a fresh read-only connection per query, as on a cache "
        f"miss; {q['repeats']} runs after one warm-up run, milliseconds. Filters `all` is a page's first "
        "load; the second set narrows to one province and three years. These are single functions in this "
        "process, not page runs.",
        "",
        "| filters | page | function | p50 | p95 | max | SQL queries | p95 of its slowest query |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in q["rows"]:
        if "error" in row:
            out.append(
                f"| {row['filters']} | {row['page']} | {row['query']} | **error**: {row['error']} | | | | |"
            )
            continue
        out.append(
            f"| {row['filters']} | {row['page']} | {row['query']} | {row['p50_ms']:.1f} | "
            f"{row['p95_ms']:.1f} | {row['max_ms']:.1f} | {row.get('queries', 1)} | {_query_p95(row):.1f} |"
        )
    return [*out, ""]


def render(r: dict) -> str:
    m = r["machine"]
    out = [
        "# Benchmarks",
        "",
        "Generated by `python -m bench` (bench/) in one run: it generates the corpora, then measures what a",
        "user gets — the `nianbao` command as a whole process, a single pass, start-up included, its output",
        "written to a file — next to the floor (the least any program must do with the same files) and a",
        "baseline (what an afternoon's re + pandas script does), measured in the same run. Every",
        "whole-process figure is repeated: min / **median** / max, targets judged on the median. Timings are",
        "never asserted in tests; `tests/test_bench_smoke.py` runs the same code on a few hundred reports.",
        "",
        "## Machine",
        "",
        f"- {m['cpus']} cores ({m['cpu_model']}), {m['mem_gb']:.1f} GB memory, {m['os']}",
        f"- Python {m['python']}, DuckDB {m['duckdb']}, Dagster {m['dagster']}; load average at start "
        f"{m['loadavg_start']}, at end {r.get('loadavg_end', '?')} (the machine is shared: other "
        "sessions run their tests on it, so absolute numbers move; compare figures measured side by side)",
        f"- {m['cpus']} CPU-bound processes together did {m.get('parallel_start', 0):.2f}x the work of one "
        f"alone at the start, {r.get('parallel_end', 0):.2f}x at the end (`bench.measure.parallel_scaling`): "
        "what any pool of workers can gain on this machine at that moment",
        f"- one process alone ran a fixed Python loop at {m.get('speed_start', 0):.1f} M iterations/s at the "
        f"start, {r.get('speed_end', 0):.1f} M/s at the end: the machine's speed that moment, for comparing "
        "this run's figures with another run's",
        f"- run at {r['started_at']}, {r.get('total_seconds', 0) / 60:.1f} min in all: `{r['command']}`",
        "",
        "## What a user gets (whole process, single pass, start-up included)",
        "",
        *_table(
            ("measure", "what ran", "min / **median** / max", "target", "met"),
            start_up_rows(r) + extract_rows(r) + ingest_rows(r) + query_rows(r) + page_rows(r) + size_rows(r),
        ),
        "",
    ]
    if r.get("corpora"):
        out += ["Corpora (`nianbao generate`; generation time is not part of any measure):", ""]
        out += [f"- {c['label']}: {c['files']:,} files — `{c['command']}`" for c in r["corpora"]]
        out.append("")
    in_process = in_process_rows(r)
    if in_process:
        out += [
            "## In this process, one core, warm (not what a user sees)",
            "",
            "What bounds the figures above: the extractor called in the benchmark's own process on one core,",
            "after a warm-up (tables built, files in the page cache), best of several rounds, no output",
            "written. Reports per second by wall time and by the process's CPU time.",
            "",
            *_table(("measure", "files", "reports/s"), in_process),
            "",
        ]
    if r.get("instructions"):
        out += instructions_section(r["instructions"])
    if r.get("queries"):
        out += _queries_section(r["queries"])
    if r.get("pages"):
        p = r["pages"]
        out += pages.render(p["rows"], p["label"], p["reports"], p["rounds"])
    for title, key in (
        ("Profile: parse + extract (one core, pyinstrument)", "extract_profile"),
        ("Profile: an ingest parse worker's chunk (pyinstrument)", "chunk_profile"),
        ("Profile: `nianbao ingest` main process (pyinstrument)", "ingest_profile"),
    ):
        if r.get(key):
            prof = r[key]
            out += [f"## {title}", "", prof["note"], "", "```", prof["text"], "```", ""]
    for section in (ANALYSIS, DASK_CLUSTER):
        if section.exists():
            out += [section.read_text(encoding="utf-8").strip(), ""]
    return "\n".join(out)

"""Render the results of `python -m bench` as BENCHMARKS.md."""

from __future__ import annotations

from pathlib import Path

from bench import pages
from bench.parse import BASELINE, FLOOR, IN_MEMORY, NIANBAO

TARGETS = {
    "parse_txt": 2000.0,  # reports/s/core
    "activities_ms": 0.3,
    "ingest_100k_s": 300.0,
    "ingest_rss_mb": 2048.0,
    "rerun_s": 15.0,
    "add100_s": 30.0,
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


def _query_p95(row: dict) -> float:
    return row.get("p95_query_ms", row["p95_ms"])


def _rate(rates: dict, name: str) -> str:
    """'2,345 (cpu 2,480)': wall-clock best round, and by the process's CPU time."""
    cpu = rates.get(f"{name} [cpu]")
    return _n(rates[name]) + (f" (cpu {_n(cpu)})" if cpu else "")


def summary_rows(r: dict) -> list[tuple[str, str, str, str, str]]:
    """(measure, corpus, value, target, met) rows of the main table."""
    rows = []
    for fmt, tp in r.get("throughput", {}).items():
        rates, kind = tp["rates"], fmt[1:]
        n = rates[NIANBAO]
        target = TARGETS["parse_txt"] if fmt == ".txt" else None
        rows.append(
            (
                f"parse + extract, {kind} (reports/s/core)",
                f"{tp['files']} {kind} files of {tp['corpus']}",
                _rate(rates, NIANBAO),
                f">= {_n(target)}" if target else "",
                _ok(n, target, True) if target else "",
            )
        )
        rows.append((f"  read + decode floor, {kind}", "same files", _rate(rates, FLOOR), "", ""))
        if BASELINE in rates:
            rows.append((f"  baseline re + pandas, {kind}", "same files", _rate(rates, BASELINE), "", ""))
        rows.append(
            (f"  extract from bytes in memory, {kind}", "same files", _rate(rates, IN_MEMORY), "", "")
        )
        text = f"{n / rates[FLOOR]:.3f} of the floor ({rates[FLOOR] / n:.1f}x slower)"
        if BASELINE in rates:
            text += f"; {n / rates[BASELINE]:.3f} of the baseline ({rates[BASELINE] / n:.1f}x slower)"
        rows.append((f"  ratios, {kind} (wall)", "", text, "", ""))
    act = r.get("activities")
    if act:
        rows.append(
            (
                "activities alone (ms/report)",
                f"{act['reports']} txt reports, {act['activities']} activities",
                _n(act["ms_per_report"], 3),
                f"<= {TARGETS['activities_ms']}",
                _ok(act["ms_per_report"], TARGETS["activities_ms"]),
            )
        )
    for fmt, tp in r.get("binary_formats", {}).items():
        rows.append(
            (
                f"parse + extract, {fmt[1:]} (reports/s/core)",
                f"{tp['files']} {fmt[1:]} files (separate sample)",
                f"{_rate(tp['rates'], NIANBAO)}; floor {_rate(tp['rates'], FLOOR)}",
                "",
                "",
            )
        )
    for run in r.get("ingests", []):
        big = run["label"].startswith("full") and run.get("files", 0) >= 90_000
        label = run["label"]
        files = run["counts"].get("files_seen", 0)
        target, met = "", ""
        if big and label.startswith("full"):
            target = f"<= {_n(TARGETS['ingest_100k_s'])} s, <= {_n(TARGETS['ingest_rss_mb'])} MB"
            met = (
                "yes"
                if (
                    run["seconds"] <= TARGETS["ingest_100k_s"]
                    and run["peak_rss_mb"] <= TARGETS["ingest_rss_mb"]
                )
                else "**no**"
            )
        if label.startswith("no-change"):
            target, met = f"<= {_n(TARGETS['rerun_s'])} s", _ok(run["seconds"], TARGETS["rerun_s"])
        if label.startswith("+"):
            target, met = f"<= {_n(TARGETS['add100_s'])} s", _ok(run["seconds"], TARGETS["add100_s"])
        rate = f", {files / run['seconds']:,.0f} files/s" if label.startswith("full") else ""
        rows.append(
            (
                f"ingest: {label}",
                f"{files:,} files seen, {run['counts'].get('new', 0):,} new",
                f"{run['seconds']:.1f} s, peak RSS {run['peak_rss_mb']:,.0f} MB{rate}",
                target,
                met,
            )
        )
    q = r.get("queries")
    if q:
        timed = [row for row in q["rows"] if "p95_ms" in row]
        timed = timed or [{"p95_ms": 0.0, "page": "", "query": "", "filters": ""}]
        worst = max(timed, key=_query_p95)
        over = [row for row in timed if _query_p95(row) > TARGETS["query_p95_ms"]]
        rows.append(
            (
                "dashboard queries, worst p95 of one SQL query (ms)",
                f"{q['reports']:,} current reports, {len(q['rows'])} function × filter cases",
                f"{_query_p95(worst):.0f} ({worst['page']}: {worst['query']}, filters {worst['filters']}); "
                f"{len(over)} of {len(timed)} over the target",
                f"<= {_n(TARGETS['query_p95_ms'])}",
                _ok(_query_p95(worst), TARGETS["query_p95_ms"]),
            )
        )
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
    if r.get("pages"):
        rows_ = r["pages"]["rows"]
        worst = max(rows_, key=lambda x: max(x["cold_max_s"], x["warm_max_s"]))
        slowest = max(worst["cold_max_s"], worst["warm_max_s"])
        rows.append(
            (
                "dashboard pages, slowest whole page run (s, cold after a publish or warm)",
                f"{r['pages']['reports']:,} current reports, {len(rows_)} pages × "
                f"{r['pages']['rounds']} rounds",
                f"{slowest:.2f} ({worst['page']}); median cold / warm of that page "
                f"{worst['cold_median_s']:.2f} / {worst['warm_median_s']:.2f}",
                f"<= {pages.TARGET_S}",
                _ok(slowest, pages.TARGET_S),
            )
        )
    for size in r.get("sizes_on_disk", []):
        rows.append(
            (
                "warehouse size per 1,000 reports (MB)",
                f"{size['label']}: {size['reports']:,} reports, file {size['warehouse_mb']:.0f} MB",
                f"{size['mb_per_1000']:.2f} (snapshot: same size again; quarantined copies: "
                f"{size['quarantine_mb']:.1f} MB)",
                "",
                "",
            )
        )
    return rows


def render(r: dict) -> str:
    m = r["machine"]
    out = [
        "# Benchmarks",
        "",
        "Generated by `python -m bench` (bench/): it generates the corpora and measures everything in one",
        "run, so the ratios hold on a noisy machine. Timings are never asserted in tests;",
        "`tests/test_bench_smoke.py` runs the same code on a few hundred reports.",
        "",
        "## Machine",
        "",
        f"- {m['cpus']} cores ({m['cpu_model']}), {m['mem_gb']:.1f} GB memory, {m['os']}",
        f"- Python {m['python']}, DuckDB {m['duckdb']}, Dagster {m['dagster']}; load average at start "
        f"{m['loadavg_start']}, at end {r.get('loadavg_end', '?')} (the machine is shared: other "
        "sessions run tests on it, so absolute numbers move; compare the ratios measured side by side)",
        f"- run at {r['started_at']}, {r['total_seconds'] / 60:.1f} min in all",
        "",
        "## Commands",
        "",
        "```",
        r["command"],
        "```",
        "",
        "which ran, as subprocesses (corpora and warehouses under the work folder, deleted afterwards):",
        "",
        "```",
        *r["commands"],
        "```",
        "",
        "## Results",
        "",
        "| measure | corpus | value | target | met |",
        "|---|---|---|---|---|",
        *(f"| {' | '.join(row)} |" for row in summary_rows(r)),
        "",
    ]
    if r.get("corpora"):
        out += ["Corpora (generation time is not part of any measure):", ""]
        out += [
            f"- {c['label']}: {c['files']:,} files in {c['seconds']:.0f} s — `{c['command']}`"
            for c in r["corpora"]
        ]
        out.append("")
    q = r.get("queries")
    if q:
        out += [
            "## Dashboard queries",
            "",
            "Every query function the pages call (dashboard/queries.py, found in dashboard/views/*.py, "
            f"filters.py, drill.py), run directly against the published snapshot of the {q['label']} "
            "warehouse without Streamlit's cache: a fresh read-only connection per query, as on a cache "
            f"miss; {q['repeats']} runs after one warm-up run, milliseconds. Filters `all` is a page's first "
            "load; the second set narrows to one province and three years.",
            "",
            "| filters | page | function | p50 | p95 | max | SQL queries | p95 of its slowest query |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for row in q["rows"]:
            if "error" in row:
                out.append(
                    f"| {row['filters']} | {row['page']} | {row['query']} | **error**: {row['error']} |"
                    " | | | |"
                )
                continue
            out.append(
                f"| {row['filters']} | {row['page']} | {row['query']} | {row['p50_ms']:.1f} | "
                f"{row['p95_ms']:.1f} | {row['max_ms']:.1f} | {row.get('queries', 1)} | "
                f"{_query_p95(row):.1f} |"
            )
        pages: dict[tuple[str, str], float] = {}
        for row in q["rows"]:
            key = (row["filters"], row["page"])
            pages[key] = pages.get(key, 0.0) + row.get("p50_ms", 0.0)
        out += ["", "Sum of p50 per page (a cold page run, queries one after another):", ""]
        out += [f"- {page} ({filters}): {ms:.0f} ms" for (filters, page), ms in pages.items()]
        out.append("")
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

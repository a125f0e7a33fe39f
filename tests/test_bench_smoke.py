"""The benchmark code runs end to end at small scale (every stage, a few hundred reports). Timings are
never asserted: only that each stage produced its measures and BENCHMARKS.md-style output."""

from __future__ import annotations

from bench.__main__ import main


def test_bench_runs_every_stage(tmp_path):
    out = tmp_path / "BENCHMARKS.md"
    work = tmp_path / "work"
    argv = [
        "--sizes", "250", "--out", str(out), "--work", str(work), "--repeats", "1", "--rounds", "1",
        "--parse-sample", "60", "--docx-files", "6", "--pdf-files", "6", "--profile-sample", "30",
        "--query-repeats", "1", "--page-rounds", "1", "--instruction-files", "0",
    ]  # fmt: skip
    assert main(argv) == 0
    text = out.read_text(encoding="utf-8")
    for expected in (
        "## Machine",
        "`nianbao --help`, wall (s)",
        "`nianbao extract` of one report, CPU (s)",
        "`nianbao extract --json`, txt, all cores (reports/s)",
        "read + decode floor, txt (reports/s)",
        "baseline re + pandas, txt (reports/s)",
        "`nianbao extract --json`, html, one core",
        "`nianbao extract --json`, docx, one core",
        "`nianbao extract --json`, pdf, one core",
        "`nianbao ingest`: first ingest, 250 (s)",
        "floor: read + hash every file",
        "baseline re + pandas into DuckDB",
        "`nianbao ingest`: no-change re-run, 250 (s)",
        "floor: stat every file",
        "`nianbao ingest`: +100 new files into 250 (s)",
        "dashboard queries, worst p95 of one SQL query",
        "warehouse size per 1,000 reports",
        "## In this process, one core, warm (not what a user sees)",
        "activities alone",
        "## Dashboard queries",
        "## Dashboard pages",
        "| 对外交流 exchange |",
        "dashboard pages, slowest whole page run",
        "对外交流 exchange | country_year",
        "## Profile: parse + extract",
        "## Profile: an ingest parse worker",
        "## Profile: `nianbao ingest`",
    ):
        assert expected in text, expected
    # the corpora and warehouses are deleted unless --keep
    assert not any(work.glob("corpus-*")) and not any(work.glob("wh-*"))

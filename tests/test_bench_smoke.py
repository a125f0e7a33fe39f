"""The benchmark code runs end to end at small scale (every stage, a few hundred reports). Timings are
never asserted: only that each stage produced its measures and BENCHMARKS.md-style output."""

from __future__ import annotations

import pytest

from bench.__main__ import main


@pytest.mark.timeout(300)  # a hang guard, not a timing: the machine may be loaded
def test_bench_runs_every_stage(tmp_path):
    out = tmp_path / "BENCHMARKS.md"
    work = tmp_path / "work"
    argv = [
        "--sizes", "250", "--out", str(out), "--work", str(work), "--rounds", "1", "--parse-sample", "80",
        "--binary-sample", "6", "--profile-sample", "40", "--query-repeats", "1", "--page-rounds", "1",
    ]  # fmt: skip
    assert main(argv) == 0
    text = out.read_text(encoding="utf-8")
    for expected in (
        "## Machine",
        "parse + extract, txt (reports/s/core)",
        "read + decode floor, txt",
        "baseline re + pandas, txt",
        "of the baseline",
        "activities alone",
        "parse + extract, pdf",
        "parse + extract, docx",
        "ingest: full 250",
        "ingest: no-change re-run 250",
        "new files into 250",
        "dashboard queries, worst p95 of one SQL query",
        "warehouse size per 1,000 reports",
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

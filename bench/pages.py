"""Dashboard page latency: each page as a whole Streamlit script run (sidebar, every query, every chart and
table built), cold after a publish and warm, in Streamlit's AppTest against a published snapshot.

    python -m bench.pages WAREHOUSE [--rounds 5]

- cold after a publish: Streamlit's query cache emptied before the run, as a new snapshot version makes every
  cache key new; the server process, its imports and the operating system's file cache are warm, as they
  are on a dashboard that keeps running while ingestion publishes.
- warm: the same page run again with the cache filled (a user switching pages or reloading).
- first run in a new process: the very first page run after the server starts (imports, Plotly's trace
  validators, the map's data files), reported once per page from its own fresh process.

The time is the script run only: the browser's drawing is not in it.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "dashboard" / "app.py"
TARGET_S = 1.5


def _cases(warehouse_path: Path) -> list[tuple[str, str, dict[str, str]]]:
    """(label, page file, query parameters): every page, opened as a user opens it, with realistic choices."""
    from nianbao import warehouse

    with warehouse.connect(warehouse_path) as con:
        inst, report = con.execute(
            "SELECT institution_id, any_value(report_id) FROM exchange_activities"
            " WHERE report_status = 'current' GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1"
        ).fetchone()
        country, year = con.execute(
            "SELECT c.country_code, a.report_year FROM activity_countries c JOIN exchange_activities a"
            " USING (activity_id) GROUP BY ALL ORDER BY count(*) DESC LIMIT 1"
        ).fetchone()
    return [
        ("概览 overview", "overview", {}),
        ("单位 institutions (a profile)", "institutions", {"inst": inst}),
        ("财务 finances", "finances", {}),
        ("对外交流 exchange", "exchange", {}),
        ("对外交流 exchange, a country clicked", "exchange", {"d_country": country, "d_year": str(year)}),
        ("报告 reports (a report)", "reports", {"report": report}),
        ("全文搜索 search (友好城市 日本)", "search", {"q": "友好城市 日本"}),
        ("数据质量 quality", "quality", {}),
        ("SQL", "sql", {}),
        ("说明 about", "about", {}),
    ]


def _run(page: str, params: dict[str, str]) -> float:
    """Seconds of one whole run of `page` (the entry script with the page in it), in a fresh AppTest."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(APP), default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    if page == "overview":
        start = time.perf_counter()
        at.run()
    else:
        at.run()
        start = time.perf_counter()
        at.switch_page(f"views/{page}.py").run()
    elapsed = time.perf_counter() - start
    errors = [e.value for e in at.exception] + [e.value for e in at.error]
    if errors:
        raise RuntimeError(f"{page} {params}: {errors[0]}")
    return elapsed


def _clear_cache() -> None:
    """What a publish makes stale: every cached query result and the figures built from them."""
    from dashboard import db, ui

    db._cached_query.clear()
    ui._memo.clear()


def _first_run(warehouse_path: Path, page: str, params: dict[str, str]) -> float:
    """The first page run of a new process (a subprocess: imports and one-time loads included)."""
    code = f"import json, sys; from bench.pages import _run; print(json.dumps(_run({page!r}, {params!r})))"
    env = {**os.environ, "NIANBAO_WAREHOUSE": str(warehouse_path)}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True
    )
    return float(out.stdout.strip().splitlines()[-1])


def latency(warehouse_path: Path, rounds: int = 5, first: bool = True) -> list[dict]:
    """One row per page: its first run in a new process, then `rounds` cold and warm runs (min/median/max)."""
    warnings.filterwarnings("ignore")
    os.environ["NIANBAO_WAREHOUSE"] = str(warehouse_path)
    import logging

    logging.getLogger("streamlit").setLevel(logging.ERROR)
    cases = _cases(warehouse_path)
    rows = []
    for label, page, params in cases:
        row: dict = {"page": label}
        if first:
            row["first_s"] = _first_run(warehouse_path, page, params)
        cold, warm = [], []
        for _ in range(rounds):
            _clear_cache()
            cold.append(_run(page, params))
            warm.append(_run(page, params))
        for name, values in (("cold", cold), ("warm", warm)):
            row[f"{name}_min_s"] = min(values)
            row[f"{name}_median_s"] = statistics.median(values)
            row[f"{name}_max_s"] = max(values)
        rows.append(row)
    return rows


def render(rows: list[dict], label: str, reports: int, rounds: int) -> list[str]:
    out = [
        "## Dashboard pages",
        "",
        f"Each page as a whole Streamlit script run (sidebar, queries, charts, tables) on the {label} "
        f"snapshot ({reports:,} current reports), in AppTest (`bench/pages.py`): **cold after a publish** "
        "(query cache emptied, as a new snapshot version does) and **warm** (cache filled), "
        f"{rounds} rounds each, seconds (min / median / max); **first run** is the first page run of a new "
        f"process (imports and one-time loads included). Target: every page ≤ {TARGET_S} s cold and warm. "
        "The browser's drawing is not included.",
        "",
        "| page | first run in a new process | cold after a publish | warm | ≤ 1.5 s |",
        "|---|---|---|---|---|",
    ]
    for r in rows:
        met = "yes" if max(r["cold_max_s"], r["warm_max_s"]) <= TARGET_S else "**no**"
        first = f"{r['first_s']:.2f}" if "first_s" in r else ""
        out.append(
            f"| {r['page']} | {first} | {r['cold_min_s']:.2f} / {r['cold_median_s']:.2f} / "
            f"{r['cold_max_s']:.2f} | {r['warm_min_s']:.2f} / {r['warm_median_s']:.2f} / "
            f"{r['warm_max_s']:.2f} | {met} |"
        )
    out.append("")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.pages", description=__doc__.splitlines()[0])
    parser.add_argument("warehouse", type=Path)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--json", type=Path, help="also write the rows here")
    parser.add_argument("--no-first", action="store_true", help="skip the first-run-in-a-new-process column")
    args = parser.parse_args(argv)
    rows = latency(args.warehouse, args.rounds, first=not args.no_first)
    if args.json:
        args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=1))
    from nianbao import warehouse

    with warehouse.connect(args.warehouse) as con:
        [(reports,)] = con.execute("SELECT count(*) FROM reports WHERE status = 'current'").fetchall()
    print("\n".join(render(rows, str(args.warehouse), reports, args.rounds)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

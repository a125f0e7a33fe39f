"""Dashboard query latency: every query function the pages call, run directly against the published
snapshot without Streamlit's cache (a cold page: a fresh read-only connection per query, as `dashboard.db`
opens one on a cache miss), p50 / p95 over repeated runs.
"""

from __future__ import annotations

import functools
import inspect
import os
import re
import statistics
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import pandas as pd


def _uncached_fetch(warehouse_path: str) -> Callable[..., pd.DataFrame]:
    from nianbao import warehouse

    def fetch(sql: str, params: tuple | list = ()) -> pd.DataFrame:
        start = time.perf_counter()
        with warehouse.connect(warehouse_path) as con:
            result = con.execute(sql, list(params)).df()
        fetch.times.append(1000 * (time.perf_counter() - start))
        return result

    fetch.times = []  # milliseconds of each query since the caller last cleared it
    return fetch


def _pick(fetch: Callable[..., pd.DataFrame]) -> dict:
    """Realistic arguments: the busiest institution, one of its reports, the commonest country/province."""
    inst = fetch(
        "SELECT institution_id, any_value(i.name) AS name, count(*) AS n FROM exchange_activities "
        "JOIN institutions i USING (institution_id) GROUP BY ALL ORDER BY n DESC, institution_id LIMIT 1"
    )
    if not len(inst):
        inst = fetch("SELECT institution_id, name FROM institutions ORDER BY institution_id LIMIT 1")
    inst_id, name = inst.iloc[0]["institution_id"], inst.iloc[0]["name"]
    rep = fetch(
        "SELECT report_id FROM reports WHERE institution_id = ? AND status = 'current' "
        "ORDER BY report_year DESC LIMIT 1",
        [inst_id],
    ).iloc[0]["report_id"]
    country = fetch(
        "SELECT country_code, count(*) n FROM activity_countries GROUP BY ALL ORDER BY n DESC LIMIT 1"
    )
    province = fetch("SELECT province, count(*) n FROM institutions GROUP BY ALL ORDER BY n DESC LIMIT 1")
    years = fetch("SELECT min(report_year) lo, max(report_year) hi FROM reports").iloc[0]
    others = fetch("SELECT institution_id FROM institutions ORDER BY institution_id LIMIT 4")
    return {
        "institution_id": inst_id,
        "name": name,
        "report_id": rep,
        "country": country.iloc[0]["country_code"] if len(country) else None,
        "province": province.iloc[0]["province"] if len(province) else None,
        "year": int(years["hi"]),
        "years": (int(years["hi"]) - 2, int(years["hi"])),
        "compare": [inst_id, *others["institution_id"].tolist()][:5],
        "search": name[:2],
    }


PAGE_FILES = {  # where the pages' query calls live, in the order a user meets them
    "sidebar (every page)": "filters.py",
    "概览 overview": "views/overview.py",
    "单位 institutions": "views/institutions.py",
    "财务 finances": "views/finances.py",
    "对外交流 exchange": "views/exchange.py",
    "对外交流 click (drill)": "drill.py",
    "报告 reports": "views/reports.py",
    "数据质量 quality": "views/quality.py",
    "SQL": "views/sql.py",
}
_CALL = re.compile(r"\bqueries\.([a-z_]+)\(")


def page_queries(q, filters, a: dict) -> dict[str, list[tuple[str, Callable[[], object]]]]:
    """Each page's queries, read from the page's own file (the `queries.<name>(` calls in
    dashboard/views/*.py, filters.py, drill.py), called with arguments chosen by parameter name."""
    values = {
        "f": filters,
        "text": "",
        "institution_id": a["institution_id"],
        "institution_ids": a["compare"],
        "report_id": a["report_id"],
        "drill": {"country": a["country"], "year": a["year"]},
    }
    root = Path(q.__file__).parent
    pages: dict[str, list[tuple[str, Callable[[], object]]]] = {}
    for page, rel in PAGE_FILES.items():
        source = root / rel
        if not source.exists():
            continue
        calls = []
        for name in dict.fromkeys(_CALL.findall(source.read_text(encoding="utf-8"))):
            func = getattr(q, name, None)
            if func is None:
                continue
            kwargs = {}
            for param in inspect.signature(func).parameters.values():
                if param.name in values:
                    kwargs[param.name] = values[param.name]
                elif param.default is inspect.Parameter.empty:
                    kwargs = None
                    break
            if kwargs is not None:
                calls.append((name, functools.partial(func, **kwargs)))
        pages[page] = calls
    return pages


def _takes_filters(q, name: str) -> bool:
    return "f" in inspect.signature(getattr(q, name)).parameters


def _percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * pct
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def latency(warehouse_path: Path, repeats: int = 20) -> list[dict]:
    """One row per (filters, page, query function): p50 / p95 / max of the function's time in milliseconds
    over `repeats` runs, how many SQL queries it runs, and the p95 of its slowest single query."""
    warnings.filterwarnings("ignore")
    os.environ["NIANBAO_WAREHOUSE"] = str(warehouse_path)
    from dashboard import queries as q

    fetch = _uncached_fetch(str(warehouse_path))
    original = q.fetch
    q.fetch = fetch  # the module-level name every query function calls
    try:
        a = _pick(fetch)
        scopes = {
            "all": q.Filters(),
            f"{a['province']}, {a['years'][0]}-{a['years'][1]}": q.Filters(
                years=a["years"], provinces=(a["province"],) if a["province"] else ()
            ),
        }
        rows = []
        for scope_name, filters in scopes.items():
            for page, calls in page_queries(q, filters, a).items():
                if scope_name != "all" and not any(_takes_filters(q, n) for n, _ in calls):
                    continue
                if scope_name != "all":
                    calls = [(n, c) for n, c in calls if _takes_filters(q, n)]
                for name, call in calls:
                    row = {"filters": scope_name, "page": page, "query": name}
                    try:
                        call()  # first run: the OS page cache, not the query, would dominate
                    except Exception as exc:  # a broken query is reported, not allowed to stop the bench
                        rows.append({**row, "error": f"{type(exc).__name__}: {str(exc).splitlines()[0]}"})
                        continue
                    times, slowest = [], []
                    for _ in range(repeats):
                        fetch.times.clear()
                        start = time.perf_counter()
                        call()
                        times.append(1000 * (time.perf_counter() - start))
                        slowest.append(max(fetch.times, default=0.0))
                    row.update(
                        p50_ms=statistics.median(times),
                        p95_ms=_percentile(times, 0.95),
                        max_ms=max(times),
                        queries=len(fetch.times),
                        p95_query_ms=_percentile(slowest, 0.95),
                    )
                    rows.append(row)
        return rows
    finally:
        q.fetch = original

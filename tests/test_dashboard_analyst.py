"""The dashboard as an analyst reads it (issue 14), in AppTest on the real warehouse (tests/conftest.py).

Right aggregates (net assets per year, never summed across years), readable numbers (万元 / 亿元, separators,
fixed decimals, "—" for missing), Chinese names and headers, the map with offline geometry, year-over-year
changes, country trends, full-text search, Excel downloads, the SQL console running on submit only, sidecar
files counted apart from broken reports. Expected values are read from the same snapshot with SQL.
"""

from __future__ import annotations

import base64
import io
import json
import re
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest

pytest.importorskip("streamlit.testing.v1")
from conftest import SIDECAR_NAME
from test_dashboard_apptest import (
    PAGES,
    SAMPLE_NAME,
    SAMPLE_USCC,
    _runner,
    assert_clean,
    metrics,
    sample_report_id,
    sql,
)

from dashboard import fmt, geo, labels, queries, textview, ui
from nianbao import warehouse

CJK = re.compile(r"[\u4e00-\u9fff]")
RAW_MISSING = re.compile(r"(?<![A-Za-z])(None|nan|NaN|null|NaT|<NA>)(?![A-Za-z])")
ISO_CODE = re.compile(r"(?<![A-Za-z])[A-Z]{2}(?![A-Za-z])")


@pytest.fixture
def app(dashboard_warehouse: Path, monkeypatch: pytest.MonkeyPatch):
    return _runner(dashboard_warehouse, monkeypatch)


def figure(at, key: str) -> go.Figure:
    """The Plotly figure of the chart with `key` (Streamlit ends the chart's element id with its key)."""
    for element in at.get("plotly_chart"):
        if element.proto.id.endswith(f"-{key}"):
            return pio.from_json(element.proto.spec, skip_invalid=True)
    raise AssertionError(f"no chart {key!r}; charts: {[e.proto.id for e in at.get('plotly_chart')]}")


def values(array) -> list:
    """A trace's array as a list: Plotly 6 sends numeric arrays as {"dtype", "bdata"} (base64)."""
    if isinstance(array, dict) and "bdata" in array:
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=np.dtype(array["dtype"])).tolist()
    return list(array)


def dataframes(at) -> list:
    return list(at.dataframe)


def table(at, *columns: str) -> pd.DataFrame:
    """The first table having all of `columns` (a table that is not selectable has no id to find it by)."""
    return next(d.value for d in at.dataframe if set(columns) <= set(d.value.columns))


def shown_text(at) -> str:
    """What the page writes outside tables: metrics, markdown, captions, text, alerts."""
    parts = [f"{m.label} {m.value}" for m in at.metric]
    parts += [
        e.value
        for kind in ("markdown", "caption", "text", "info", "warning", "success")
        for e in at.get(kind)
    ]
    return "\n".join(str(p) for p in parts)


# --- 1. net assets are a balance: the latest year's total, per year in the charts -------------------------


def test_finance_card_shows_the_latest_years_total_not_a_sum_over_years(
    app, dashboard_warehouse: Path
) -> None:
    year, total, median = sql(
        dashboard_warehouse,
        "SELECT report_year, sum(net_assets_end_wan), median(net_assets_end_wan) FROM finance_trends"
        " GROUP BY 1 ORDER BY 1 DESC LIMIT 1",
    )[0]
    m = metrics(app("finances"))
    assert m[f"{year} 年期末净资产合计"] == fmt.money(total)
    assert m[f"{year} 年期末净资产中位数"] == fmt.money(median)
    assert not any("Total net assets" in label for label in m)
    m = metrics(app("finances", years="2020-2021"))
    assert "2021 年期末净资产合计" in m


# --- 2. the finance charts: no second axis for the median, boxes on a log axis ----------------------------


def test_finance_trend_has_two_panels_from_zero_and_the_boxes_a_log_axis(app) -> None:
    at = app("finances")
    trend = figure(at, "fin_trend").layout
    assert trend.yaxis.overlaying is None and trend.yaxis2.overlaying is None
    assert trend.yaxis.rangemode == trend.yaxis2.rangemode == "tozero"
    assert figure(at, "fin_dist").layout.yaxis.type == "log"
    at.selectbox(key="fin_metric").set_value("净资产变动").run()  # can be negative: linear, cut to whiskers
    assert_clean(at)
    axis = figure(at, "fin_dist").layout.yaxis
    assert axis.type != "log" and len(axis.range) == 2


# --- 3, 4. no raw None; numbers in one format -------------------------------------------------------------


@pytest.mark.parametrize("page", PAGES)
def test_no_raw_missing_values_and_numbers_formatted(app, page: str) -> None:
    at = app(page)
    assert not RAW_MISSING.search(shown_text(at)), RAW_MISSING.search(shown_text(at))
    for df in dataframes(at):
        assert df.proto.placeholder == fmt.MISSING  # a missing cell reads "—"
        columns = json.loads(df.proto.columns or "{}")
        for name, dtype in df.value.dtypes.items():
            if pd.api.types.is_float_dtype(dtype):
                assert columns[str(name)]["type_config"]["format"] in ("%,.2f", "%,.1f%%"), name
            if str(name) == "年度":
                assert columns[str(name)]["type_config"]["format"] == "%d"


def test_number_helpers() -> None:
    assert fmt.money(9.6) == "9.60 万元" and fmt.money(9.45) == "9.45 万元"
    assert fmt.money(20204129.65) == "2,020.41 亿元"
    assert fmt.wan(20204129.65) == "20,204,129.65"
    assert fmt.count(181616.0) == "181,616"
    assert fmt.money(None) == fmt.count(float("nan")) == fmt.wan(pd.NA) == "—"
    assert fmt.year_span(2024, 2024) == "2024" and fmt.year_span(2019, 2024) == "2019–2024"


def test_money_axes_read_wan_or_yi_with_separators(app) -> None:
    at = app("overview")
    layout = figure(at, "ov_assets").layout
    assert layout.yaxis.tickformat == fmt.AXIS_TICKS  # separators, never an SI suffix
    assert re.search(
        r"\((万元|亿元)\)$", layout.title.text
    )  # the unit in the title, not a sideways axis title


# --- 5, 7. Chinese names and headers ----------------------------------------------------------------------


def test_countries_are_named_in_chinese(app, dashboard_warehouse: Path) -> None:
    assert labels.countries("BR,JP,MA") == "巴西、日本、摩洛哥" and labels.country("KR") == "韩国"
    at = app("institutions", inst=SAMPLE_USCC)
    acts = next(d.value for d in at.dataframe if "原文依据" in d.value.columns)
    assert "韩国" in set(acts["国家"]) and not any(ISO_CODE.search(v) for v in acts["国家"])
    report_id = sample_report_id(dashboard_warehouse)
    at = app("reports", report=report_id)
    acts = next(d.value for d in at.dataframe if "原文依据" in d.value.columns)
    assert not any(ISO_CODE.search(v) for v in acts["国家"])
    matrix = figure(app("exchange"), "ex_matrix")
    assert all(CJK.search(y) for trace in matrix.data for y in trace.y)


@pytest.mark.parametrize("page", PAGES)
def test_table_headers_are_chinese_and_no_select_all(app, page: str) -> None:
    at = app(page)
    for df in dataframes(at):
        english = [c for c in df.value.columns if not CJK.search(str(c))]
        assert not english, english  # (the SQL console's example names its columns in Chinese too)
    for widget in at.multiselect:
        assert widget.proto.select_all == 0, widget.key  # no English "Select all" in a Chinese filter


# --- 8. a single-year institution -------------------------------------------------------------------------


def test_a_single_year_institution_gets_one_year_on_its_axes(app, dashboard_warehouse: Path) -> None:
    years = sql(
        dashboard_warehouse,
        "SELECT DISTINCT report_year FROM reports WHERE institution_id = ?",
        [SAMPLE_USCC],
    )
    assert years == [(2024,)]  # the real sample: one report
    at = app("institutions", inst=SAMPLE_USCC)
    assets = figure(at, "inst_fin_chart").layout.xaxis
    assert list(assets.tickvals) == [2024] and list(assets.range) == [2023.5, 2024.5]
    timeline = figure(at, "inst_timeline").layout.xaxis
    assert list(timeline.tickvals) == [2024, 2025] and timeline.range[0] < 2024 < 2025 < timeline.range[1]


# --- 9. sidecar files are not quarantined reports ---------------------------------------------------------


def test_sidecar_files_are_counted_apart_from_quarantined_reports(app, dashboard_warehouse: Path) -> None:
    """A gold JSON and a spreadsheet beside the reports are ignored files, not quarantined reports."""
    ignored = {
        n for (n,) in sql(dashboard_warehouse, "SELECT file_name FROM ingest_files WHERE outcome = 'ignored'")
    }
    assert SIDECAR_NAME in ignored
    quarantined = sql(dashboard_warehouse, "SELECT count(*) FROM ingest_files WHERE outcome = 'quarantined'")
    at = app("quality")
    m = metrics(at)
    assert int(m["已忽略(非报告文件) ignored"].replace(",", "")) == len(ignored)
    assert int(m["已隔离 quarantined"].replace(",", "")) == quarantined[0][0] >= 1
    quarantine = table(at, "文件", "原因", "首次发现")
    assert SIDECAR_NAME not in set(quarantine["文件"])


# --- 10. the SQL console runs on submit only --------------------------------------------------------------


def test_sql_console_runs_the_query_once_per_submit(app, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    real = warehouse.run_query
    monkeypatch.setattr(warehouse, "run_query", lambda *a, **k: calls.append(a[0]) or real(*a, **k))
    at = app("sql")
    assert calls == []
    at.text_area(key="sql_text").input("SELECT count(*) AS n FROM reports")
    at.button(key="sql_run").click().run()
    assert calls == ["SELECT count(*) AS n FROM reports"]
    at.text_input(key="sql_find").input("finance").run()  # another widget: a rerun, not a new query
    assert_clean(at)
    assert len(calls) == 1
    assert any(list(d.value.columns) == ["n"] for d in at.dataframe)


# --- the map ----------------------------------------------------------------------------------------------


def test_the_exchange_map_shades_countries_and_places_cities(app, dashboard_warehouse: Path) -> None:
    spec = figure(app("exchange"), "ex_map")
    cities, countries = spec.data
    assert (cities.type, countries.type) == ("scattergeo", "choropleth")  # cities first: see charts
    assert isinstance(countries.geojson, dict) and len(countries.geojson["features"]) > 150
    assert spec.layout.geo.visible is False
    per_country = dict(
        sql(
            dashboard_warehouse,
            "SELECT c.country_code, count(*) FROM activity_countries c JOIN exchange_activities a"
            " USING (activity_id) WHERE a.report_status = 'current' GROUP BY 1",
        )
    )
    shaded = {code: z for code, z in zip(countries.locations, values(countries.z), strict=True) if z}
    drawn = {c: n for c, n in per_country.items() if c in set(countries.locations)}
    assert shaded == drawn and shaded
    localities = pd.DataFrame(
        sql(dashboard_warehouse, "SELECT DISTINCT locality_name, country_code FROM activity_localities"),
        columns=["locality", "country"],
    )
    placed = geo.place(localities).dropna(subset=["lat"])
    assert len(placed) == len(values(cities.lat)) >= 5
    gwangju = placed[placed["locality"] == "光州广域市"].iloc[0]  # GeoNames: Gwangju, 35.15 N 126.92 E
    assert (round(gwangju["lat"], 1), round(gwangju["lon"], 1), gwangju["city"]) == (35.2, 126.9, "Gwangju")


def test_world_geometry_is_the_shipped_natural_earth_file() -> None:
    world = geo.world_geojson()
    ids = [f["id"] for f in world["features"]]
    assert len(ids) == len(set(ids)) and {"CN", "JP", "KR", "US", "DE", "BR"} <= set(ids)
    assert "TW" not in ids  # drawn as part of China
    lon, lat = world["features"][ids.index("JP")]["geometry"]["coordinates"][0][0][0]
    assert 122 < lon < 146 and 24 < lat < 46


# --- year over year, country trends -----------------------------------------------------------------------


def test_year_over_year_lists_the_largest_rises_and_falls(app, dashboard_warehouse: Path) -> None:
    at = app("finances")
    at.selectbox(key="fin_ya").set_value(2022).run()
    at.selectbox(key="fin_yb").set_value(2024).run()
    assert_clean(at)
    changes = table(at, "变动", "变动率%")
    expected = sql(
        dashboard_warehouse,
        "SELECT b.name, b.net_assets_end_wan - a.net_assets_end_wan AS d FROM finance_trends a"
        " JOIN finance_trends b USING (institution_id) WHERE a.report_year = 2022 AND b.report_year = 2024"
        " AND d <> 0 ORDER BY d DESC",
    )
    assert expected and changes.iloc[0]["单位"] == expected[0][0]
    assert round(changes.iloc[0]["变动"], 2) == round(expected[0][1], 2)
    assert round(changes.iloc[-1]["变动"], 2) == round(expected[-1][1], 2)  # the largest fall last
    assert list(changes.columns[:2]) == ["单位", "省"] and "2022 年期末净资产" in changes.columns


def test_activity_trend_per_country_as_lines(app, dashboard_warehouse: Path) -> None:
    spec = figure(app("exchange"), "ex_country_trend")
    counts = dict(
        sql(
            dashboard_warehouse,
            "SELECT c.country_code, count(*) FROM activity_countries c JOIN exchange_activities a"
            " USING (activity_id) WHERE a.report_status = 'current' GROUP BY 1",
        )
    )
    lines = {trace.name: sum(values(trace.y)) for trace in spec.data}
    top = sorted(counts.items(), key=lambda kv: -kv[1])[: len(lines)]
    assert {labels.country(c): n for c, n in top} == lines


# --- full-text search -------------------------------------------------------------------------------------


def test_search_lists_sections_with_every_term_highlighted(app, dashboard_warehouse: Path) -> None:
    terms = ("友好", "访问")
    n_sections, n_reports = sql(
        dashboard_warehouse,
        "SELECT count(*), count(DISTINCT report_id) FROM report_sections s JOIN reports r USING (report_id)"
        " WHERE r.status = 'current' AND contains(s.text, ?) AND contains(s.text, ?)",
        list(terms),
    )[0]
    assert n_sections >= 3
    at = app("search", q=" ".join(terms))
    assert any(f"**{n_reports:,}** 份报告的 **{n_sections:,}** 个章节" in m.value for m in at.markdown)
    hits = [m.value for m in at.markdown if textview.HIGHLIGHT.split("[")[0] in m.value]
    assert len(hits) == min(n_sections, 50)
    marked = re.findall(r":orange-background\[\*\*(.*?)\*\*\]", hits[0])
    assert set(marked) <= set(terms) and set(marked)
    assert queries.search_terms("  友好城市   日本 日本 ") == ("友好城市", "日本")


def test_search_terms_are_highlighted_in_the_report(app, dashboard_warehouse: Path) -> None:
    report_id = sample_report_id(dashboard_warehouse)
    at = app("reports", report=report_id, q="行知中学")
    marked = " ".join(m for md in at.markdown for m in re.findall(r"\*\*(.*?)\*\*\]", md.value))
    assert "行知中学" in textview_plain(marked)


def textview_plain(text: str) -> str:
    return text.replace("\\", "")


# --- Excel beside every CSV, printing, the measures explained ---------------------------------------------


def test_excel_download_holds_the_tables_rows_as_numbers() -> None:
    df = pd.DataFrame(
        {"年度": [2023, 2024], "单位": ["甲", "乙"], "期末净资产": [1234.5, None], "人数": [3, None]}
    )
    df["人数"] = df["人数"].astype("Int64")
    book = zipfile.ZipFile(io.BytesIO(ui.excel_bytes(df, "表")))
    strings = book.read("xl/sharedStrings.xml").decode()
    sheet = book.read("xl/worksheets/sheet1.xml").decode()
    assert all(h in strings for h in ("年度", "单位", "期末净资产", "甲"))
    assert "<v>1234.5</v>" in sheet and "<v>2024</v>" in sheet  # numbers, not text
    assert "#,##0.00" in book.read("xl/styles.xml").decode()


@pytest.mark.parametrize("page", ["overview", "institutions", "finances", "exchange", "quality", "sql"])
def test_every_csv_download_has_an_excel_beside_it(app, page: str) -> None:
    at = app(page, inst=SAMPLE_USCC) if page == "institutions" else app(page)
    if page == "sql":
        at.button(key="sql_run").click().run()
    labels_ = [b.proto.label for b in at.get("download_button")]
    csv = [x for x in labels_ if x.startswith("下载 CSV")]
    assert csv and len(csv) == len([x for x in labels_ if x.startswith("下载 Excel")])


def test_the_profile_has_a_print_button(app) -> None:
    at = app("institutions", inst=SAMPLE_USCC)
    assert any("window.print()" in h.proto.body for h in at.get("html"))


def test_the_measures_are_explained_in_chinese(app) -> None:
    at = app("about")
    text = " ".join(m.value for m in at.markdown)
    for term in (
        "万元",
        "亿元",
        "余额",
        "衔接断裂",
        "来访",
        "出访",
        "人次",
        "Natural Earth",
        "GeoNames",
        "当前报告",
    ):
        assert term in text, term
    assert SAMPLE_NAME not in text

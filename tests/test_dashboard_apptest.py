"""The dashboard in Streamlit's AppTest: every page on the real warehouse.

The warehouse is the `dashboard_warehouse` session fixture (tests/conftest.py): `nianbao ingest` of the real
sample report, the demo corpus (data/samples/demo/reports) and a copy of the sample carrying `<script>`,
HTML entities and Markdown. Key numbers are the real sample's (net assets 2.17 -> 1.35, its 8 visits) or are
compared with SQL on the same snapshot.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import duckdb
import pytest

pytest.importorskip("streamlit.testing.v1")
from conftest import HOSTILE_NAME, HOSTILE_SCRIPT, HOSTILE_USCC
from streamlit.testing.v1 import AppTest

from dashboard import textview
from nianbao import warehouse

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "dashboard" / "app.py"
SAMPLE_NAME = "湖州市人民对外友好协会秘书处"
SAMPLE_USCC = "12330500676151570Y"
PAGES = ("overview", "institutions", "finances", "exchange", "reports", "search", "quality", "sql", "about")


def sql(wh: Path, query: str, params: list | None = None) -> list[tuple]:
    with warehouse.connect(wh) as con:
        return con.execute(query, params or []).fetchall()


def _runner(wh: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv(warehouse.ENV_WAREHOUSE, str(wh))

    def run(page: str = "overview", **query_params: str | list[str]) -> AppTest:
        at = AppTest.from_file(str(APP), default_timeout=300)
        for key, value in query_params.items():
            at.query_params[key] = value
        at.run()
        if page != "overview":
            at.switch_page(f"views/{page}.py").run()
        assert_clean(at)
        return at

    return run


@pytest.fixture
def app(dashboard_warehouse: Path, monkeypatch: pytest.MonkeyPatch):
    """A fresh AppTest of the entry point on the real warehouse; `app(page, **query_params)` runs a page."""
    return _runner(dashboard_warehouse, monkeypatch)


def assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def all_text(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [t.value for t in at.text]
    parts += [d.value.to_csv() for d in at.dataframe]
    return "\n".join(str(p) for p in parts)


# ---------------------------------------------------------------------------------------------------------


def test_without_a_snapshot_the_dashboard_says_run_ingest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(warehouse.ENV_WAREHOUSE, str(tmp_path / "nothing.duckdb"))
    at = AppTest.from_file(str(APP), default_timeout=300).run()
    assert not at.exception
    assert "还没有数据" in at.title[0].value
    assert any("nianbao ingest" in i.value for i in at.info)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_without_error(app, page: str) -> None:
    at = app(page)
    assert at.title, f"{page} rendered no title"


def number(text: str) -> int:
    return int(text.replace(",", ""))


def test_overview_counts_are_the_warehouses(app, dashboard_warehouse: Path) -> None:
    m = metrics(app("overview"))
    institutions, reports, activities = sql(
        dashboard_warehouse,
        "SELECT (SELECT count(DISTINCT institution_id) FROM reports WHERE status = 'current'),"
        " (SELECT count(*) FROM reports WHERE status = 'current'),"
        " (SELECT count(*) FROM exchange_activities WHERE report_status = 'current')",
    )[0]
    assert institutions >= 12 and reports >= 50 and activities >= 100  # sample + hostile copy + demo corpus
    assert number(m["单位 Institutions"]) == institutions
    assert number(m["报告 Reports"]) == reports
    assert number(m["交流活动 Activities"]) == activities
    assert m["年度 Years"] == "2019–2024"
    assert m["快照版本 Snapshot version"] == "v1"


def test_institution_profile_shows_the_real_samples_net_assets_and_kind(app) -> None:
    at = app("institutions")
    at.text_input(key="inst_q").input(SAMPLE_USCC).run()
    assert_clean(at)
    assert any(h.value == SAMPLE_NAME for h in at.header)
    assert any(m.value == "**单位类别** 对外友协" for m in at.markdown)
    finances = next(d.value for d in at.dataframe if "期末净资产" in d.value.columns)
    row = finances[finances["年度"] == 2024].iloc[0]
    assert (round(row["年初净资产"], 2), round(row["期末净资产"], 2)) == (2.17, 1.35)


def test_the_real_samples_eight_visits_with_their_evidence(app, dashboard_warehouse: Path) -> None:
    at = app("exchange", d_institution=SAMPLE_NAME, d_kind="visit")
    text = all_text(at)
    assert "共 8 项活动" in text
    highlighted = [m.value for m in at.markdown if textview.HIGHLIGHT.split("[")[0] in m.value]
    assert len(highlighted) == 8
    shown = " ".join(textview_plain(m) for m in highlighted)
    evidence = sql(
        dashboard_warehouse,
        "SELECT evidence FROM exchange_activities WHERE institution_id = ? AND kind = 'visit'",
        [SAMPLE_USCC],
    )
    assert len(evidence) == 8
    for (sentence,) in evidence:
        assert sentence in shown, sentence
    assert "5月行知中学师生22人访问灵岩郡" in shown


def textview_plain(markdown: str) -> str:
    """The text a reader sees in escaped Markdown (backslash escapes removed)."""
    return markdown.replace("\\", "")


def sample_report_id(wh: Path) -> str:
    return sql(
        wh, "SELECT report_id FROM reports WHERE institution_id = ? AND status = 'current'", [SAMPLE_USCC]
    )[0][0]


def test_report_reader_shows_fields_text_and_highlighted_activities(app, dashboard_warehouse: Path) -> None:
    at = app("reports")
    at.text_input(key="rep_q").input(SAMPLE_NAME).run()
    assert_clean(at)
    assert any(SAMPLE_NAME in o for o in at.selectbox(key="rep_pick").options)
    at = app("reports", report=sample_report_id(dashboard_warehouse))
    assert any(SAMPLE_NAME in h.value for h in at.header)
    fields = next(d.value for d in at.dataframe if "字段" in d.value.columns)
    values = dict(zip(fields["字段"], fields["值"], strict=True))
    assert values["年初净资产(万元)"] == "2.17" and values["期末净资产(万元)"] == "1.35"
    evidence = [
        row[0]
        for row in sql(
            dashboard_warehouse,
            "SELECT evidence FROM exchange_activities WHERE institution_id = ? AND report_status = 'current'",
            [SAMPLE_USCC],
        )
    ]
    marked = " ".join(
        textview_plain(m)
        for md in at.markdown
        for m in re.findall(r":orange-background\[\*\*(.*?)\*\*\]", md.value)
    )
    assert len(evidence) >= 8
    for sentence in evidence:
        assert sentence in marked, sentence


def test_report_markup_is_escaped_in_the_reader(app, dashboard_warehouse: Path) -> None:
    report_id = sql(
        dashboard_warehouse,
        "SELECT report_id FROM reports WHERE name = ? AND report_year = 2024",
        [HOSTILE_NAME],
    )[0][0]
    at = app("reports", report=report_id)
    assert [h.value for h in at.header if "示例中心" in h.value] == [
        textview.escape_markdown(HOSTILE_NAME) + " · 2024 年度"
    ]
    text = [m.value for m in at.markdown if "window" in m.value]
    assert text and all(HOSTILE_SCRIPT not in t and "**不是粗体**" not in t for t in text)
    assert any(HOSTILE_SCRIPT in textview_plain(t) for t in text)
    fields = next(d.value for d in at.dataframe if "字段" in d.value.columns)
    purpose = fields[fields["字段"] == "宗旨和业务范围"]["值"].iloc[0]
    assert purpose.startswith(HOSTILE_SCRIPT + "**不是粗体**")  # a dataframe cell: shown as text


def test_global_filters_change_the_numbers(app) -> None:
    everything = metrics(app("overview"))
    one_year = metrics(app("overview", years="2024-2024"))
    huzhou = metrics(app("overview", province="浙江省", city="湖州市"))
    assert number(one_year["报告 Reports"]) < number(everything["报告 Reports"])
    assert one_year["年度 Years"] == "2024"
    assert huzhou["单位 Institutions"] == "2"  # the real sample and its hostile copy
    assert huzhou["交流活动 Activities"] != everything["交流活动 Activities"]


def test_the_institution_kind_filter_uses_the_warehouse_column(app, dashboard_warehouse: Path) -> None:
    kinds = dict(sql(dashboard_warehouse, "SELECT kind, count(*) FROM institutions GROUP BY kind"))
    assert kinds.get("高校", 0) >= 1 and kinds.get("对外友协", 0) >= 1
    at = app("overview", kind="高校")
    assert at.multiselect(key="f_kind").value == ["高校"]
    assert set(at.multiselect(key="f_kind").options) == set(kinds)
    assert number(metrics(at)["单位 Institutions"]) == kinds["高校"]
    at = app("institutions", kind="对外友协")
    listed = next(d.value for d in at.dataframe if "单位类别" in d.value.columns)
    assert set(listed["单位类别"]) == {"对外友协"} and SAMPLE_NAME in set(listed["名称"])


def test_a_snapshot_from_before_the_kind_column_still_renders(
    dashboard_warehouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(dashboard_warehouse.parent / "published", tmp_path / "published")
    old = tmp_path / "warehouse.duckdb"
    with duckdb.connect(warehouse.snapshot_info(old)["snapshot"]) as con:
        con.execute("DROP VIEW main.institutions; ALTER TABLE core.institutions DROP COLUMN kind")
        con.execute("CREATE VIEW main.institutions AS SELECT * FROM core.institutions")
    run = _runner(old, monkeypatch)
    at = run("overview")
    assert at.multiselect(key="f_kind").options == ["其他"]
    assert run("institutions", kind="其他").dataframe


def test_filters_are_kept_in_the_url(app) -> None:
    at = app("finances", province="浙江省")
    assert at.multiselect(key="f_province").value == ["浙江省"]
    at.multiselect(key="f_city").set_value(["湖州市"]).run()
    assert_clean(at)
    assert at.query_params["city"] in ("湖州市", ["湖州市"])
    assert at.query_params["province"] in ("浙江省", ["浙江省"])


def test_finance_filters_change_the_numbers(app) -> None:
    before = metrics(app("finances"))["报告 Reports"]
    after = metrics(app("finances", years="2024-2024"))["报告 Reports"]
    assert number(after) < number(before)


def test_continuity_breaks_come_from_the_warehouses_check(app, dashboard_warehouse: Path) -> None:
    flagged = sql(
        dashboard_warehouse,
        "SELECT institution_id, report_year FROM data_quality_issues"
        " WHERE check_name = 'net_assets_continuity'",
    )
    assert (HOSTILE_USCC, 2024) in flagged  # 2023 ends at 3.00, 2024 begins at 2.17
    at = app("quality")
    breaks = next(d.value for d in at.dataframe if "本年年初净资产" in d.value.columns)
    assert len(breaks) == len(flagged)
    row = breaks[breaks["单位标识"] == HOSTILE_USCC].iloc[0]
    assert (row["年度"], row["上年期末净资产"], row["本年年初净资产"]) == (2024, 3.0, 2.17)
    assert round(row["差额"], 2) == -0.83
    assert number(metrics(app("finances"))["衔接断裂 Continuity breaks"]) == len(flagged)
    assert number(metrics(app("finances", years="2019-2023"))["衔接断裂 Continuity breaks"]) < len(flagged)


def test_finance_page_aggregates_in_sql_and_pages_its_rows(
    app, dashboard_warehouse: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    import pandas as pd

    from dashboard import db, queries

    n_rows = sql(dashboard_warehouse, "SELECT count(*) FROM finance_trends")[0][0]
    db._cached_query.clear()
    opened = []
    real_open = warehouse.open_snapshot
    monkeypatch.setattr(warehouse, "open_snapshot", lambda *a, **k: opened.append(a) or real_open(*a, **k))
    at = app("finances")
    assert len(opened) <= 2  # two script runs (entry page, then 财务): one shared connection each
    assert number(metrics(at)["报告 Reports"]) == n_rows
    page = next(d.value for d in at.dataframe if "举办单位" in d.value.columns)
    assert len(page) == min(n_rows, 500) and "衔接断裂" in page.columns
    # The SQL outliers are pandas' 3 × IQR rule on every row; the CSV download holds every row.
    rows = pd.read_csv(io.BytesIO(queries.finance_rows_csv(queries.Filters())), encoding="utf-8-sig")
    assert len(rows) == n_rows
    q = rows.groupby("年度")["期末净资产"].quantile([0.25, 0.75]).unstack()
    m = rows.join(q.set_axis(["q1", "q3"], axis=1), on="年度")
    far = (m["期末净资产"] < m.q1 - 3 * (m.q3 - m.q1)) | (m["期末净资产"] > m.q3 + 3 * (m.q3 - m.q1))
    assert queries.finance_outliers(queries.Filters())[1] == int(far.sum())


def test_compare_institutions_on_one_chart(app) -> None:
    at = app("institutions")
    at.text_input(key="inst_q").input("人民对外友好协会").run()
    options = at.multiselect(key="inst_compare").options
    assert SAMPLE_NAME in options and len(options) >= 3
    at.multiselect(key="inst_compare").set_value(options[:3]).run()
    assert_clean(at)
    compared = next(d.value for d in at.dataframe if list(d.value.columns[:2]) == ["单位", "年度"])
    assert set(compared["单位"]) == set(options[:3])


def test_drill_down_from_a_country_lists_evidence(app, dashboard_warehouse: Path) -> None:
    top, n = sql(
        dashboard_warehouse,
        "SELECT c.country_code, count(*)"
        " FROM activity_countries c JOIN exchange_activities a USING (activity_id)"
        " WHERE a.report_status = 'current' GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1",
    )[0]
    at = app("exchange", d_country=top)
    assert any(f"共 {n} 项活动" in m.value for m in at.markdown)
    assert any(":orange-background[" in m.value for m in at.markdown)


def test_data_quality_page_reads_the_warehouses_checks(app, dashboard_warehouse: Path) -> None:
    at = app("quality")
    m = metrics(at)
    seen, loaded = sql(
        dashboard_warehouse,
        "SELECT sum(files), sum(files) FILTER (outcome = 'loaded') FROM file_outcomes",
    )[0]
    assert number(m["文件 Files seen"]) == seen and number(m["已入库 loaded"]) == loaded
    assert all(number(m[f"{label} {key}"]) >= 1 for key, label in (("quarantined", "已隔离"),))
    checks = next(d.value for d in at.dataframe if "检查" in d.value.columns and "指标值" in d.value.columns)
    names = {row[0] for row in sql(dashboard_warehouse, "SELECT check_name FROM quality_summary")}
    assert set(checks["检查代码"]) == names and "净资产年度衔接" in set(checks["检查"])
    issues = next(
        d.value for d in at.dataframe if "检查代码" in d.value.columns and "单位标识" in d.value.columns
    )
    expected = sql(dashboard_warehouse, "SELECT count(*) FROM data_quality_issues")[0][0]
    assert len(issues) == expected


@pytest.mark.parametrize(
    ("sql", "expect_rows"),
    [
        ("SELECT count(*) AS n FROM reports", True),
        ("DROP TABLE reports", False),
        ("SELECT * FROM read_csv('/etc/passwd')", False),
        ("COPY reports TO '/tmp/x.csv'", False),
        ("ATTACH '/tmp/other.duckdb'", False),
    ],
)
def test_sql_console_is_read_only(app, sql: str, expect_rows: bool) -> None:
    at = app("sql")
    at.text_area(key="sql_text").input(sql)  # in a form: sent when the form is submitted
    at.button(key="sql_run").click().run()
    assert not at.exception
    results = [d for d in at.dataframe if d.key == "sql_result"] if hasattr(at.dataframe[0], "key") else []
    if expect_rows:
        assert not at.error
        assert any(list(d.value.columns) == ["n"] for d in at.dataframe)
    else:
        assert at.error, f"{sql!r} was not refused"
        assert not results


def test_sql_console_shows_the_schema_with_comments(app) -> None:
    at = app("sql")
    schema_tables = [d.value for d in at.dataframe if "说明" in d.value.columns]
    assert schema_tables, "no schema tables"
    comments = " ".join(" ".join(t["说明"].dropna()) for t in schema_tables)
    assert "万元" in comments


# --- pure helpers -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        "**粗体** _斜体_ `代码` [链接](javascript:alert(1)) ![图](x.png)",
        "$x^2$ :red[红色] :material/home: &lt;b&gt; # 标题",
        "    缩进四格\n- 列表\n1. 编号\n> 引用",
    ],
)
def test_escape_markdown_leaves_no_markup(text: str) -> None:
    escaped = textview.escape_markdown(text)
    for ch in "<>*_`[]()$:&#!-":
        assert ch not in escaped.replace("\\" + ch, ""), (ch, escaped)


def test_highlight_splits_text_around_the_evidence() -> None:
    text = "甲。乙<b>丙</b>。丁"
    md = textview.highlight_markdown(text, [(2, 12)])
    assert md.startswith("甲。:orange-background[") and md.endswith("**]丁")
    assert textview.split_highlight(text, [(2, 12)]) == [
        ("甲。", False),
        ("乙<b>丙</b>。", True),
        ("丁", False),
    ]


def test_locate_falls_back_to_searching_the_evidence() -> None:
    assert textview.locate("一二三四", "三四", 2, 4) == (2, 4)
    assert textview.locate("一二三四", "三四", 0, 2) == (2, 4)
    assert textview.locate("一二三四", "五", 0, 1) is None


def test_cli_binds_to_localhost_headless_without_usage_stats() -> None:
    from nianbao.cli import build_parser
    from nianbao.commands import dashboard

    args = build_parser().parse_args(["dashboard", "--port", "8600"])
    cmd = dashboard.command(args)
    assert cmd[cmd.index("--server.address") + 1] == "127.0.0.1"
    assert cmd[cmd.index("--server.port") + 1] == "8600"
    assert cmd[cmd.index("--server.headless") + 1] == "true"
    assert cmd[cmd.index("--browser.gatherUsageStats") + 1] == "false"
    assert cmd[4].endswith("dashboard/app.py")

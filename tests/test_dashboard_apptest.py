"""The dashboard in Streamlit's AppTest: every page on a warehouse built from the demo corpus.

The warehouse comes from `nianbao ingest --warehouse TMP data/samples/` (once per session). While the ingest
command is absent, `dashboard.sample_warehouse` builds an equivalent snapshot through the warehouse's own
schema.sql and marts.sql (the real sample report plus seeded synthetic institutions).
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("streamlit.testing.v1")
from streamlit.testing.v1 import AppTest

from dashboard import textview
from nianbao import warehouse

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "dashboard" / "app.py"
SAMPLES = ROOT / "data" / "samples"
SAMPLE_NAME = "湖州市人民对外友好协会秘书处"
PAGES = ("overview", "institutions", "finances", "exchange", "reports", "quality", "sql")


def _nianbao(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "nianbao.cli", *args], check=True, cwd=ROOT, timeout=900)


def build_demo_warehouse(directory: Path) -> Path:
    """The warehouse whose published snapshot the dashboard reads: `nianbao ingest` of the demo corpus.

    The corpus is data/samples/ (the real sample, plus data/samples/demo/ when present; until then a small
    generated set in `directory`). Without the ingest command, `dashboard.sample_warehouse` is the fallback.
    """
    wh = directory / "warehouse.duckdb"
    if importlib.util.find_spec("nianbao.commands.ingest") is not None:
        paths = [str(SAMPLES)]
        if not (SAMPLES / "demo").is_dir():
            _nianbao(
                "generate",
                str(directory / "demo"),
                "--institutions",
                "12",
                "--years",
                "2021-2024",
                "--seed",
                "1",
                "--formats",
                "txt,html",
                "--quiet",
            )
            paths.append(str(directory / "demo" / "reports"))
        _nianbao("ingest", "--warehouse", str(wh), "--quiet", *paths)
    else:
        from dashboard import sample_warehouse

        sample_warehouse.build(wh, institutions=40)
    assert warehouse.snapshot_info(wh) is not None
    return wh


def has_activities(wh: Path) -> bool:
    return warehouse.run_query("SELECT count(*) FROM exchange_activities", wh).rows[0][0] > 0


def build_activity_warehouse(directory: Path) -> Path:
    """The demo warehouse if its reports have activities; else the fallback builder's (activities from
    the gold).
    """
    wh = build_demo_warehouse(directory)
    if has_activities(wh):
        return wh
    from dashboard import sample_warehouse

    fallback = directory / "fallback" / "warehouse.duckdb"
    sample_warehouse.build(fallback, institutions=40)
    return fallback


@pytest.fixture(scope="session")
def demo_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_demo_warehouse(tmp_path_factory.mktemp("dashboard_wh"))


@pytest.fixture(scope="session")
def activity_warehouse(demo_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse with exchange activities (the demo one once the activity extractor feeds ingestion)."""
    if has_activities(demo_warehouse):
        return demo_warehouse
    from dashboard import sample_warehouse

    fallback = tmp_path_factory.mktemp("dashboard_fallback") / "warehouse.duckdb"
    sample_warehouse.build(fallback, institutions=40)
    return fallback


def _runner(wh: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv(warehouse.ENV_WAREHOUSE, str(wh))

    def run(page: str = "overview", **query_params: str | list[str]) -> AppTest:
        at = AppTest.from_file(str(APP), default_timeout=60)
        for key, value in query_params.items():
            at.query_params[key] = value
        at.run()
        if page != "overview":
            at.switch_page(f"views/{page}.py").run()
        assert_clean(at)
        return at

    return run


@pytest.fixture
def app(demo_warehouse: Path, monkeypatch: pytest.MonkeyPatch):
    """A fresh AppTest of the entry point, reading the demo warehouse; `app(page, **query_params)`
    runs a page.
    """
    return _runner(demo_warehouse, monkeypatch)


@pytest.fixture
def activity_app(activity_warehouse: Path, monkeypatch: pytest.MonkeyPatch):
    """Like `app`, on a warehouse that has exchange activities."""
    return _runner(activity_warehouse, monkeypatch)


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
    at = AppTest.from_file(str(APP), default_timeout=30).run()
    assert not at.exception
    assert "还没有数据" in at.title[0].value
    assert any("nianbao ingest" in i.value for i in at.info)


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_without_error(app, page: str) -> None:
    at = app(page)
    assert at.title, f"{page} rendered no title"


def test_overview_counts_and_snapshot_version(app) -> None:
    m = metrics(app("overview"))
    assert int(m["单位 Institutions"].replace(",", "")) >= 1
    assert int(m["报告 Reports"].replace(",", "")) >= 1
    assert m["快照版本 Snapshot version"].startswith("v")


def test_institution_profile_shows_the_real_samples_net_assets(app) -> None:
    at = app("institutions")
    at.text_input(key="inst_q").input(SAMPLE_NAME).run()
    assert_clean(at)
    assert any(h.value == SAMPLE_NAME for h in at.header)
    finances = next(d.value for d in at.dataframe if "期末净资产" in d.value.columns)
    row = finances[finances["年度"] == 2024].iloc[0]
    assert (round(row["年初净资产"], 2), round(row["期末净资产"], 2)) == (2.17, 1.35)


def test_the_real_samples_eight_visits_with_their_evidence(activity_app) -> None:
    at = activity_app("exchange", d_institution=SAMPLE_NAME, d_kind="visit")
    text = all_text(at)
    assert "共 8 项活动" in text
    highlighted = [m.value for m in at.markdown if textview.HIGHLIGHT.split("[")[0] in m.value]
    assert len(highlighted) == 8
    assert any("5月行知中学师生22人访问灵岩郡" in textview_plain(m) for m in highlighted)


def textview_plain(markdown: str) -> str:
    """The text a reader sees in escaped Markdown (backslash escapes removed)."""
    return markdown.replace("\\", "")


def test_report_reader_shows_fields_text_and_highlighted_activities(
    activity_app, activity_warehouse: Path
) -> None:
    app, demo_warehouse = activity_app, activity_warehouse
    at = app("reports")
    at.text_input(key="rep_q").input(SAMPLE_NAME).run()
    assert_clean(at)
    assert any(SAMPLE_NAME in o for o in at.selectbox(key="rep_pick").options)
    report_id = warehouse.run_query(
        f"SELECT report_id FROM reports WHERE name = '{SAMPLE_NAME}' AND status = 'current'", demo_warehouse
    ).rows[0][0]
    at = app("reports", report=report_id)
    assert_clean(at)
    assert any(SAMPLE_NAME in h.value for h in at.header)
    fields = next(d.value for d in at.dataframe if "字段 Field" in d.value.columns)
    values = dict(zip(fields["字段 Field"], fields["值 Value"], strict=True))
    assert values["年初净资产(万元)"] == "2.17" and values["期末净资产(万元)"] == "1.35"
    evidence = [
        row[0]
        for row in warehouse.run_query(
            "SELECT e.evidence FROM exchange_activities e JOIN reports r USING (report_id) "
            f"WHERE r.name = '{SAMPLE_NAME}' AND r.status = 'current'",
            demo_warehouse,
        ).rows
    ]
    marked = " ".join(
        textview_plain(m)
        for md in at.markdown
        for m in re.findall(r":orange-background\[\*\*(.*?)\*\*\]", md.value)
    )
    assert len(evidence) >= 8
    for sentence in evidence:
        assert sentence in marked, sentence


def test_global_filters_change_the_numbers(app) -> None:
    everything = metrics(app("overview"))
    one_year = metrics(app("overview", years="2024-2024"))
    zhejiang_huzhou = metrics(app("overview", province="浙江省", city="湖州市"))
    assert one_year["报告 Reports"] != everything["报告 Reports"]
    assert zhejiang_huzhou["单位 Institutions"] != everything["单位 Institutions"]
    assert int(zhejiang_huzhou["单位 Institutions"]) >= 1


def test_filters_are_kept_in_the_url(app) -> None:
    at = app("finances", province="浙江省")
    assert at.multiselect(key="f_province").value == ["浙江省"]
    at.multiselect(key="f_city").set_value(["湖州市"]).run()
    assert_clean(at)
    assert at.query_params["city"] in ("湖州市", ["湖州市"])
    assert at.query_params["province"] in ("浙江省", ["浙江省"])


def test_finance_filters_change_the_numbers(app) -> None:
    at = app("finances")
    before = metrics(at)["报告 Reports"]
    at = app("finances", years="2024-2024")
    assert metrics(at)["报告 Reports"] != before


def test_drill_down_from_a_country_lists_evidence(activity_app, activity_warehouse: Path) -> None:
    top = warehouse.run_query(
        "SELECT country_code FROM activity_countries GROUP BY 1 ORDER BY count(*) DESC LIMIT 1",
        activity_warehouse,
    ).rows[0][0]
    at = activity_app("exchange", d_country=top)
    assert any("共" in m.value and "项活动" in m.value for m in at.markdown)
    assert any(":orange-background[" in m.value for m in at.markdown)


def test_data_quality_page_counts_files(app) -> None:
    m = metrics(app("quality"))
    assert int(m["文件 Files seen"].replace(",", "")) >= 1
    assert int(m["已入库 loaded"].replace(",", "")) >= 1


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
    at.text_area(key="sql_text").input(sql).run()
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

"""财务 Finances: distributions and trends across institutions and years, year-over-year changes, continuity
breaks and outliers.

Every figure is computed in SQL (dashboard/queries.py, the FINANCE_* queries): totals and yearly trends,
the boxes' quartiles and whiskers, continuity breaks and outliers (capped lists with their full counts), the
largest changes between two years, and the rows themselves one page at a time. The complete rows are read
only when their CSV or Excel download is clicked. Net assets are a balance at year end: a total is shown per
year (the card shows the latest year's), never added across years.
"""

import functools
import io
import math

import pandas as pd
import streamlit as st

from dashboard import charts, filters, fmt, queries, ui

METRICS = tuple(queries.FINANCE_METRICS)  # 期末净资产, 年初净资产, 净资产变动, 开办资金, 从业人数
LIST_CAP = 1000  # continuity breaks and outliers listed (the counts are always complete)
PAGE_SIZE = 500  # rows per page of 全部
CHANGES_SHOWN = 15  # rises and falls each, in 同比

f = filters.current()
st.title("财务 Finances")
st.caption(filters.describe(f) + " · 金额单位:万元(≥ 1 亿元时以亿元显示)")

opts = queries.finance_options()
a, b, c = st.columns(3)
sponsors = a.multiselect(
    "举办单位 Sponsor",
    sorted(opts["sponsor"].dropna().unique()),
    key="fin_sponsor",
    placeholder="全部",
    select_all=False,
)
categories = b.multiselect(
    "经费类别 Funding category",
    sorted(opts["funding_source_category"].dropna().unique()),
    key="fin_category",
    placeholder="全部",
    select_all=False,
)
metric = c.selectbox("指标 Measure", METRICS, key="fin_metric")
sel = (f, tuple(sponsors), tuple(categories))

yearly = queries.finance_yearly(*sel)
total = yearly[yearly["总计"] == 1].iloc[0]
per_year = yearly[yearly["总计"] == 0]
n_rows = int(total["报告数"])
latest = per_year.iloc[-1] if len(per_year) else None

ui.metrics(
    [
        ("报告 Reports", fmt.count(n_rows)),
        ("单位 Institutions", fmt.count(total["单位数"])),
        (
            f"{int(latest['年度'])} 年期末净资产合计" if latest is not None else "期末净资产合计",
            fmt.money(latest["合计"]) if latest is not None else fmt.MISSING,
        ),
        (
            f"{int(latest['年度'])} 年期末净资产中位数" if latest is not None else "期末净资产中位数",
            fmt.money(latest["中位数"]) if latest is not None else fmt.MISSING,
        ),
        ("衔接断裂 Continuity breaks", fmt.count(total["衔接断裂"])),
    ]
)

outliers, n_outliers = queries.finance_outliers(*sel, metric=metric, limit=LIST_CAP)
left, right = st.columns(2)
with left:
    ui.chart(ui.memo(charts.finance_trend, per_year), key="fin_trend")
with right:
    dist = queries.finance_distribution(*sel, metric=metric)
    ui.chart(ui.memo(charts.finance_distribution, dist, outliers, metric), key="fin_dist")


def capped_note(shown: int, count: int, which: str) -> None:
    if count > shown:
        st.caption(f"共 {count:,} 条,只列出{which} {shown:,} 条;完整数据见「全部」的下载。")


tab_yoy, tab_breaks, tab_outliers, tab_all = st.tabs(
    ["同比 Year over year", "衔接断裂 Continuity breaks", f"异常值 Outliers({metric})", "全部 All rows"]
)
with tab_yoy:
    bounds = queries.year_range()
    years = list(range(bounds[0], bounds[1] + 1)) if bounds else []
    if len(years) < 2:
        st.info("至少需要两个年度的报告才能比较。")
    else:
        first, last = f.years or (years[0], years[-1])
        ya, yb, by_col = st.columns(3)
        year_a = ya.selectbox(
            "年度 A", years, index=years.index(first if first < last else years[-2]), key="fin_ya"
        )
        year_b = yb.selectbox("年度 B", years, index=years.index(last), key="fin_yb")
        by = by_col.radio("按 By", ("变动", "变动率%"), horizontal=True, key="fin_by",
                          format_func=lambda v: "金额(万元)" if v == "变动" else "变动率(%)")  # fmt: skip
        if year_a == year_b:
            st.warning("请选择两个不同的年度。")
        else:
            changes, n_pairs = queries.net_assets_changes(
                f, year_a, year_b, *sel[1:], by=by, limit=CHANGES_SHOWN
            )
            st.caption(
                f"同时有 {year_a} 年和 {year_b} 年期末净资产的单位中,有变动的共 {n_pairs:,} 个;"
                f"列出上升和下降最多的各 {CHANGES_SHOWN} 个。变动率 = 变动 ÷ |{year_a} 年期末净资产|"
                f"(A 年为 0 时不计算)。"
            )
            ui.chart(ui.memo(charts.net_assets_changes, changes, year_a, year_b, by), key="fin_yoy_chart")
            shown = changes.drop(columns=["institution_id"]).rename(
                columns={"期末净资产A": f"{year_a} 年期末净资产", "期末净资产B": f"{year_b} 年期末净资产"}
            )
            ui.table(shown, f"net_assets_{year_a}_{year_b}", key="fin_yoy")
with tab_breaks:
    st.caption("本年年初净资产与上年期末净资产不一致(容差 0.01 万元 + 0.5%)。")
    breaks, n_breaks = queries.finance_breaks(*sel, limit=LIST_CAP)
    capped_note(len(breaks), n_breaks, "按年度、单位排序的前")
    ui.table(breaks, "continuity_breaks", key="fin_breaks")
with tab_outliers:
    st.caption("同年度内超出四分位距 3 倍的值(按年度,偏离大的在前)。")
    capped_note(len(outliers), n_outliers, "各年度偏离最大的")
    ui.table(outliers, "outliers", key="fin_outliers")
with tab_all:
    pages = max(1, math.ceil(n_rows / PAGE_SIZE))
    if st.session_state.get("fin_page", 1) > pages:  # the filters shrank the rows
        st.session_state["fin_page"] = pages
    p, info = st.columns([1, 3])
    page = p.number_input(f"页 Page(共 {pages:,} 页)", 1, pages, key="fin_page", step=1)
    first_row = (page - 1) * PAGE_SIZE
    info.caption(
        f"第 {min(first_row + 1, n_rows):,}–{min(first_row + PAGE_SIZE, n_rows):,} 条,共 {n_rows:,} 条"
        f"(每页 {PAGE_SIZE} 条,按年度、单位排序)。"
    )
    ui.dataframe(queries.finance_page(*sel, page=page - 1, page_size=PAGE_SIZE), key="fin_all_df")
    ui.downloads(
        "finances",
        "fin_all",
        functools.partial(queries.finance_rows_csv, *sel),  # run only when clicked
        lambda: ui.excel_bytes(
            pd.read_csv(io.BytesIO(queries.finance_rows_csv(*sel)), encoding="utf-8-sig"), "finances"
        ),
        label=f"(全部 {n_rows:,} 条)",
    )

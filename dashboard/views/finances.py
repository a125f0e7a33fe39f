"""财务 Finances: distributions and trends across institutions and years, continuity breaks and outliers.

Every figure is computed in SQL (dashboard/queries.py, the FINANCE_* queries): totals and yearly trends,
the boxes' quartiles and whiskers, continuity breaks and outliers (capped lists with their full counts), and
the rows themselves one page at a time. The complete rows are read only when their CSV download is clicked.
"""

import functools
import math

import streamlit as st

from dashboard import charts, filters, queries, ui

METRICS = tuple(queries.FINANCE_METRICS)  # 期末净资产, 年初净资产, 净资产变动, 开办资金, 从业人数
LIST_CAP = 1000  # continuity breaks and outliers listed (the counts are always complete)
PAGE_SIZE = 500  # rows per page of 全部

f = filters.current()
st.title("财务 Finances")
st.caption(filters.describe(f) + " · 金额单位:万元")

opts = queries.finance_options()
a, b, c = st.columns(3)
sponsors = a.multiselect(
    "举办单位 Sponsor", sorted(opts["sponsor"].dropna().unique()), key="fin_sponsor", placeholder="全部"
)
categories = b.multiselect(
    "经费类别 Funding category",
    sorted(opts["funding_source_category"].dropna().unique()),
    key="fin_category",
    placeholder="全部",
)
metric = c.selectbox("指标 Measure", METRICS, key="fin_metric")
sel = (f, tuple(sponsors), tuple(categories))

yearly = queries.finance_yearly(*sel)
total = yearly[yearly["总计"] == 1].iloc[0]
per_year = yearly[yearly["总计"] == 0]
n_rows = int(total["报告数"])

cols = st.columns(4)
cols[0].metric("报告 Reports", ui.fmt_num(n_rows))
cols[1].metric("单位 Institutions", ui.fmt_num(int(total["单位数"])))
cols[2].metric("期末净资产合计 Total net assets", ui.fmt_num(float(total["合计"])) if n_rows else "—")
cols[3].metric("衔接断裂 Continuity breaks", ui.fmt_num(int(total["衔接断裂"])))

outliers, n_outliers = queries.finance_outliers(*sel, metric=metric, limit=LIST_CAP)
left, right = st.columns(2)
with left:
    ui.chart(charts.finance_trend(per_year), key="fin_trend")
with right:
    dist = queries.finance_distribution(*sel, metric=metric)
    ui.chart(charts.finance_distribution(dist, outliers, metric), key="fin_dist")


def capped_note(shown: int, count: int, which: str) -> None:
    if count > shown:
        st.caption(f"共 {count:,} 条,只列出{which} {shown:,} 条;完整数据见「全部」的 CSV 下载。")


tab_breaks, tab_outliers, tab_all = st.tabs(
    ["衔接断裂 Continuity breaks", f"异常值 Outliers({metric})", "全部 All rows"]
)
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
    first = (page - 1) * PAGE_SIZE
    info.caption(
        f"第 {min(first + 1, n_rows):,}–{min(first + PAGE_SIZE, n_rows):,} 条,共 {n_rows:,} 条"
        f"(每页 {PAGE_SIZE} 条,按年度、单位排序)。"
    )
    st.dataframe(
        queries.finance_page(*sel, page=page - 1, page_size=PAGE_SIZE), hide_index=True, key="fin_all_df"
    )
    st.download_button(
        f"下载全部 CSV({n_rows:,} 条)",
        functools.partial(queries.finance_rows_csv, *sel),  # runs only when clicked
        file_name="finances.csv",
        mime="text/csv",
        key="fin_all_csv",
        icon=":material/download:",
    )

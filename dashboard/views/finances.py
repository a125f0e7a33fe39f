"""财务 Finances: distributions and trends across institutions and years, continuity breaks and outliers."""

import pandas as pd
import streamlit as st

from dashboard import charts, filters, queries, ui

METRICS = ("期末净资产", "年初净资产", "净资产变动", "开办资金", "从业人数")

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

rows = queries.finance_rows(f, tuple(sponsors), tuple(categories))

cols = st.columns(4)
cols[0].metric("报告 Reports", ui.fmt_num(len(rows)))
cols[1].metric("单位 Institutions", ui.fmt_num(rows["institution_id"].nunique()))
cols[2].metric(
    "期末净资产合计 Total net assets", ui.fmt_num(float(rows["期末净资产"].sum())) if len(rows) else "—"
)
cols[3].metric(
    "衔接断裂 Continuity breaks", ui.fmt_num(int(rows["衔接断裂"].fillna(False).astype(bool).sum()))
)

left, right = st.columns(2)
with left:
    ui.chart(charts.finance_trend(rows), key="fin_trend")
with right:
    ui.chart(charts.finance_distribution(rows, metric), key="fin_dist")


def outliers(df: pd.DataFrame, column: str) -> pd.DataFrame:
    """Values beyond 3 × IQR from the quartiles of their year (Tukey's far-out rule)."""
    if df.empty:
        return df
    q = df.groupby("年度")[column].quantile([0.25, 0.75]).unstack()
    q.columns = ["q1", "q3"]
    merged = df.join(q, on="年度")
    iqr = merged["q3"] - merged["q1"]
    far = (merged[column] < merged["q1"] - 3 * iqr) | (merged[column] > merged["q3"] + 3 * iqr)
    return df[far.fillna(False)]


tab_breaks, tab_outliers, tab_all = st.tabs(
    ["衔接断裂 Continuity breaks", f"异常值 Outliers({metric})", "全部 All rows"]
)
with tab_breaks:
    st.caption("本年年初净资产与上年期末净资产不一致(容差 0.01 万元 + 0.5%)。")
    breaks = rows[rows["衔接断裂"].fillna(False).astype(bool)]
    ui.table(
        breaks[["单位", "年度", "上年期末净资产", "年初净资产", "衔接差额", "省", "市"]],
        "continuity_breaks",
        key="fin_breaks",
    )
with tab_outliers:
    st.caption("同年度内超出四分位距 3 倍的值。")
    out = outliers(rows, metric)
    ui.table(out[["单位", "年度", metric, "省", "市", "单位类别"]], "outliers", key="fin_outliers")
with tab_all:
    ui.table(rows.drop(columns=["institution_id", "report_id"]), "finances", key="fin_all")

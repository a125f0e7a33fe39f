"""概览 Overview: headline counts, trends per year, snapshot version and last ingestion."""

import streamlit as st

from dashboard import charts, db, filters, queries, ui

f = filters.current()
snap = db.current_snapshot()
st.title("概览 Overview")
st.caption(filters.describe(f))

counts = queries.overview_counts(f)
cols = [*st.columns(3), *st.columns(3)]  # two rows: "2019–2024" does not fit a sixth of the page
years = (
    f"{int(counts['first_year'])}–{int(counts['last_year'])}"
    if counts["first_year"] == counts["first_year"] and counts["first_year"] is not None
    else "—"
)
cols[0].metric("单位 Institutions", ui.fmt_num(counts["institutions"]))
cols[1].metric("报告 Reports", ui.fmt_num(counts["reports"]))
cols[2].metric("年度 Years", years)
cols[3].metric("交流活动 Activities", ui.fmt_num(counts["activities"]))
cols[4].metric("国家 Countries", ui.fmt_num(counts["countries"]))
cols[5].metric("外方地点 Partner localities", ui.fmt_num(counts["localities"]))

trends = queries.yearly_trends(f)
left, right = st.columns(2)
with left:
    ui.chart(charts.yearly_trends(trends), key="ov_trends")
with right:
    ui.chart(charts.net_assets_trend(trends), key="ov_assets")
ui.table(trends, "yearly_trends", key="ov_table")

row = queries.overview_row()
st.divider()
info = st.columns(3)
info[0].metric("快照版本 Snapshot version", f"v{snap.version}" if snap else "—")
last = row.get("last_ingest_at") or (snap.last_ingest_at if snap else None)
info[1].metric("最近入库 Last ingestion", str(last)[:19] if last is not None and last == last else "—")
info[2].metric("文件 Files seen", ui.fmt_num(row.get("files_seen")))

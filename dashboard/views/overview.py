"""概览 Overview: headline counts, trends per year, snapshot version and last ingestion."""

import streamlit as st

from dashboard import charts, db, filters, fmt, queries, ui

f = filters.current()
snap = db.current_snapshot()
st.title("概览 Overview")
st.caption(filters.describe(f))

counts = queries.overview_counts(f)
ui.metrics(
    [
        ("单位 Institutions", fmt.count(counts["institutions"])),
        ("报告 Reports", fmt.count(counts["reports"])),
        ("年度 Years", fmt.year_span(counts["first_year"], counts["last_year"])),
        ("交流活动 Activities", fmt.count(counts["activities"])),
        ("国家 Countries", fmt.count(counts["countries"])),
        ("外方地点 Partner localities", fmt.count(counts["localities"])),
    ]
)

trends = queries.yearly_trends(f)
left, right = st.columns(2)
with left:
    ui.chart(ui.memo(charts.yearly_trends, trends), key="ov_trends")
with right:
    ui.chart(ui.memo(charts.net_assets_trend, trends), key="ov_assets")
st.caption("期末净资产是时点余额:每年单独合计,不跨年度相加。详见「说明」页。")
ui.table(trends, "yearly_trends", key="ov_table")

row = queries.overview_row()
st.divider()
last = row.get("last_ingest_at") or (snap.last_ingest_at if snap else None)
ui.metrics(
    [
        ("快照版本 Snapshot version", f"v{snap.version}" if snap else fmt.MISSING),
        ("最近入库 Last ingestion", fmt.MISSING if fmt.is_missing(last) else str(last)[:19]),
        ("文件 Files seen", fmt.count(row.get("files_seen"))),
    ]
)

"""数据质量 Data quality: files by outcome with reasons, asset-check results, continuity breaks."""

import streamlit as st

from dashboard import charts, filters, labels, queries, ui

f = filters.current()
st.title("数据质量 Data quality")

outcomes = queries.file_outcomes()
totals = outcomes.groupby("outcome")["files"].sum().to_dict()
cols = st.columns(5)
cols[0].metric("文件 Files seen", ui.fmt_num(int(outcomes["files"].sum())))
for col, key in zip(cols[1:], ("loaded", "duplicate", "superseded", "quarantined"), strict=True):
    col.metric(f"{labels.OUTCOME[key]} {key}", ui.fmt_num(int(totals.get(key, 0))))

left, right = st.columns([2, 3])
with left:
    ui.chart(charts.file_outcomes(outcomes), key="dq_outcomes")
with right:
    st.subheader("结果与原因 Outcomes and reasons")
    shown = outcomes.assign(结果=outcomes["outcome"].map(lambda v: labels.of(labels.OUTCOME, v)))
    ui.table(
        shown.rename(columns={"reason": "原因", "files": "文件数"})[["结果", "outcome", "原因", "文件数"]],
        "file_outcomes",
        key="dq_outcomes_tbl",
    )

st.subheader("质量检查 Asset checks")
checks = queries.quality_checks()
if checks.empty:
    st.info("还没有检查结果 No check results yet.")
else:
    failed = checks[~checks["passed"].astype(bool)]
    if len(failed):
        st.warning(f"{len(failed)} 项检查未通过 checks failing")
    else:
        st.success("全部检查通过 All checks pass")
    ui.table(
        checks.assign(通过=checks["passed"].map({True: "✅", False: "❌"})), "quality_checks", key="dq_checks"
    )

st.subheader("衔接断裂 Continuity breaks")
st.caption(filters.describe(f) + " · 本年年初净资产 ≠ 上年期末净资产")
ui.table(queries.continuity_breaks(f), "continuity_breaks", key="dq_breaks")

tab_q, tab_files, tab_runs = st.tabs(["隔离文件 Quarantine", "未入库文件 Files not loaded", "入库记录 Runs"])
with tab_q:
    ui.table(queries.quarantine(), "quarantine", key="dq_quarantine")
with tab_files:
    ui.table(queries.non_loaded_files(), "files_not_loaded", key="dq_files")
with tab_runs:
    ui.table(queries.ingest_runs(), "ingest_runs", key="dq_runs")

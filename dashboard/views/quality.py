"""数据质量 Data quality: files by outcome with reasons, the warehouse's asset-check results and the rows
failing them, continuity breaks (from the continuity check's own rows)."""

import streamlit as st

from dashboard import charts, filters, labels, queries, ui

f = filters.current()
st.title("数据质量 Data quality")

outcomes = queries.file_outcomes()
totals = outcomes.groupby("outcome")["files"].sum().to_dict()
# Broken reports (quarantined) and files that are not reports at all (ignored) are counted apart.
cols = st.columns(6)
cols[0].metric("文件 Files seen", ui.fmt_num(int(outcomes["files"].sum())))
for col, key in zip(cols[1:], ("loaded", "duplicate", "superseded", "quarantined", "ignored"), strict=True):
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
st.caption("每次入库时在同一事务中计算,与 Dagster 界面中的 asset checks 相同(表 quality_summary)。")
checks = queries.quality_checks()
if checks.empty:
    st.info("还没有检查结果 No check results yet.")
else:
    failed = checks[~checks["passed"].astype(bool)]
    if len(failed):
        st.warning(f"{len(failed)} 项检查未通过 checks failing")
    else:
        st.success("全部检查通过 All checks pass")
    shown = checks.assign(
        检查=checks["check_name"].map(lambda v: labels.of(labels.CHECK, v)),
        通过=checks["passed"].map({True: "✅", False: "❌"}),
        级别=checks["severity"].map(lambda v: labels.of(labels.CHECK_SEVERITY, v)),
    )
    front = ["检查", "通过", "级别", "metric", "threshold", "checked_count", "failing_count"]
    ui.table(
        shown[front + [c for c in shown.columns if c not in front and c not in ("passed", "severity")]],
        "quality_checks",
        key="dq_checks",
    )

st.subheader("衔接断裂 Continuity breaks")
st.caption(filters.describe(f) + " · 本年年初净资产 ≠ 上年期末净资产(检查 net_assets_continuity 的未通过行)")
ui.table(queries.continuity_breaks(f), "continuity_breaks", key="dq_breaks")

tab_issues, tab_q, tab_files, tab_hist, tab_runs = st.tabs(
    [
        "未通过的行 Failing rows",
        "隔离文件 Quarantine",
        "未入库文件 Files not loaded",
        "检查历史 Check history",
        "入库记录 Runs",
    ]
)
with tab_issues:
    issues = queries.quality_issues()
    ui.table(
        issues.assign(检查=issues["check_name"].map(lambda v: labels.of(labels.CHECK, v)))[
            ["检查", "单位", "年度", "说明", "check_name", "institution_id", "report_id"]
        ],
        "quality_issues",
        key="dq_issues",
    )
with tab_q:
    ui.table(queries.quarantine(), "quarantine", key="dq_quarantine")
with tab_files:
    ui.table(queries.non_loaded_files(), "files_not_loaded", key="dq_files")
with tab_hist:
    hist = queries.quality_history()
    ui.table(
        hist.assign(检查=hist["check_name"].map(lambda v: labels.of(labels.CHECK, v))),
        "quality_history",
        key="dq_hist",
    )
with tab_runs:
    ui.table(queries.ingest_runs(), "ingest_runs", key="dq_runs")

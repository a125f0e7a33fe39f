"""数据质量 Data quality: files by outcome with reasons, the warehouse's asset-check results and the rows
failing them, continuity breaks (from the continuity check's own rows)."""

import streamlit as st

from dashboard import charts, filters, fmt, labels, queries, ui

# Identifiers keep their warehouse values (to join in SQL), under Chinese headers like every other column.
IDS = {"check_name": "检查代码", "institution_id": "单位标识", "report_id": "报告标识"}

f = filters.current()
st.title("数据质量 Data quality")

outcomes = queries.file_outcomes()
totals = outcomes.groupby("outcome")["files"].sum().to_dict()
reports_seen = int(outcomes.loc[outcomes["outcome"] != "ignored", "files"].sum())
ui.metrics(
    [
        ("文件 Files seen", fmt.count(outcomes["files"].sum())),
        *[
            (f"{labels.OUTCOME[key]} {key}", fmt.count(totals.get(key, 0)))
            for key in ("loaded", "duplicate", "superseded", "quarantined", "ignored")
        ],
    ],
    help={
        "已隔离 quarantined": "报告格式的文件(txt、html、pdf、docx 或无扩展名)无法读取或缺少必需字段;"
        "原文件副本另存。",
        "已忽略(非报告文件) ignored": "不是报告格式的文件(如金标准 JSON、清单 CSV、图片):不计入隔离。",
    },
)
if reports_seen:
    st.caption(
        f"报告文件 {reports_seen:,} 个,其中已隔离 {int(totals.get('quarantined', 0)):,} 个"
        f"({fmt.percent(totals.get('quarantined', 0) / reports_seen)});"
        f"非报告文件 {int(totals.get('ignored', 0)):,} 个已忽略,不计入比例。"
    )

left, right = st.columns([2, 3])
with left:
    ui.chart(ui.memo(charts.file_outcomes, outcomes), key="dq_outcomes")
with right:
    st.subheader("结果与原因 Outcomes and reasons")
    shown = outcomes.assign(
        结果=outcomes["outcome"].map(lambda v: labels.of(labels.OUTCOME, v)),
        reason=outcomes["reason"].map(lambda v: labels.of(labels.REASON, v) if v else ""),
    )
    ui.table(
        shown.rename(columns={"reason": "原因", "files": "文件数"})[["结果", "原因", "文件数"]],
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
    front = ["检查", "通过", "级别", "指标值", "阈值", "检查行数", "未通过行数"]
    ui.table(
        shown[
            front + [c for c in shown.columns if c not in front and c not in ("passed", "severity")]
        ].rename(columns=IDS),
        "quality_checks",
        key="dq_checks",
    )

st.subheader("衔接断裂 Continuity breaks")
st.caption(filters.describe(f) + " · 本年年初净资产 ≠ 上年期末净资产(检查 net_assets_continuity 的未通过行)")
ui.table(queries.continuity_breaks(f).rename(columns=IDS), "continuity_breaks", key="dq_breaks")

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
        ].rename(columns=IDS),
        "quality_issues",
        key="dq_issues",
    )
with tab_q:
    quarantined = queries.quarantine()
    quarantined["原因"] = quarantined["原因"].map(lambda v: labels.of(labels.REASON, v))
    ui.table(quarantined, "quarantine", key="dq_quarantine")
with tab_files:
    files = queries.non_loaded_files()
    ui.table(files.assign(
            结果=files["结果"].map(lambda v: labels.of(labels.OUTCOME, v)),
            原因=files["原因"].map(lambda v: labels.of(labels.REASON, v)),
        ), "files_not_loaded",
             key="dq_files")  # fmt: skip
with tab_hist:
    hist = queries.quality_history()
    ui.table(
        hist.assign(
            检查=hist["check_name"].map(lambda v: labels.of(labels.CHECK, v)),
            通过=hist["passed"].map({True: "✅", False: "❌"}),
        )[["检查时间", "检查", "通过", "指标值", "未通过行数", "检查行数", "check_name", "运行标识"]].rename(
            columns=IDS
        ),
        "quality_history",
        key="dq_hist",
    )
with tab_runs:
    ui.table(queries.ingest_runs(), "ingest_runs", key="dq_runs")

"""报告 Report reader: original text, sections, extracted fields, problems, activities highlighted
in place."""

from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard import filters, fmt, labels, queries, textview, ui

f = filters.current()
st.title("报告 Report reader")

report_id = st.query_params.get("report")
with st.expander("选择报告 Choose a report", expanded=report_id is None):
    text = st.text_input("单位名称或统一社会信用代码 Name or USCC", key="rep_q")
    choices = queries.report_choices(f, text.strip())
    if choices.empty:
        st.info("当前筛选下没有报告。")
    else:
        options = choices["report_id"].tolist()
        captions = {
            r.report_id: f"{r.name} · {r.report_year} 年"
            + (" · 已被更正替代" if r.status == "superseded" else "")
            for r in choices.itertuples()
        }
        index = options.index(report_id) if report_id in options else None
        picked = st.selectbox(
            "报告 Report",
            options,
            index=index,
            format_func=captions.get,
            key="rep_pick",
            placeholder="请选择",
        )
        if picked and picked != report_id:
            st.query_params["report"] = picked
            st.query_params.pop("activity", None)
            st.query_params.pop("q", None)
            report_id = picked

rep = queries.report(report_id) if report_id else None
if rep is None:
    st.info("请选择一份报告。 Choose a report above, or open one from an activity on the exchange page.")
    st.stop()

st.header(f"{textview.escape_markdown(rep['name'] or '—')} · {rep['report_year']} 年度")
status = "当前 current" if rep["status"] == "current" else "已被更正替代 superseded"
st.caption(
    f"状态 {status} · 文件 {textview.escape_markdown(rep['file_name'] or '')} · 格式 {rep['format']}"
    f" · sha256 {rep['sha256'][:12]}…"
)

narrative = queries.report_text(report_id)
acts = queries.report_activities(report_id)
sections = queries.report_sections(report_id)
focus = st.query_params.get("activity")

text_col, side = st.columns([3, 2])
with text_col:
    st.subheader("原文 Text")
    spans, focus_span = [], None
    for row in acts.itertuples(index=False):
        span = textview.locate(narrative, row.evidence, row.span_start, row.span_end)
        if span:
            spans.append(span)
            if row.activity_id == focus:
                focus_span = span
    show_all = st.toggle("高亮全部活动 Highlight every activity", value=focus_span is None, key="rep_all")
    marked = spans if show_all or focus_span is None else [focus_span]
    searched = queries.search_terms(st.query_params.get("q", ""))  # from the search page
    if searched:
        st.caption("同时高亮搜索词:" + textview.escape_markdown("、".join(searched)))
        marked = marked + textview.term_spans(narrative, searched)
    if focus_span is not None:
        before, evidence, _ = textview.excerpt(narrative, focus_span, 0)
        st.markdown(
            "**所选活动原文 Selected evidence:** "
            + textview.highlight_markdown(evidence, [(0, len(evidence))])
        )
    if sections.empty:
        with st.container(border=True, height=600):
            st.markdown(textview.highlight_markdown(narrative, marked))
    else:
        for sec in sections.itertuples(index=False):
            start, end = int(sec.start_offset), int(sec.end_offset)
            local = [(max(s, start) - start, min(e, end) - start) for s, e in marked if s < end and e > start]
            with st.container(border=True):
                st.markdown(f"**{textview.escape_markdown(sec.section_name or '')}**")
                st.markdown(textview.highlight_markdown(narrative[start:end], local))
    with st.expander("纯文本 Plain text"):
        st.code(narrative, language=None, wrap_lines=True)

with side:
    st.subheader("抽取字段 Extracted fields")
    fields = {
        "单位名称": rep["name"],
        "统一社会信用代码": rep["uscc"],
        "法定代表人": rep["legal_representative"],
        "住所": rep["address"],
        "省 / 市 / 区": " ".join(x for x in (rep["province"], rep["city"], rep["district"]) if x),
        "举办单位": rep["sponsor"],
        "经费来源": rep["funding_source"],
        "宗旨和业务范围": rep["purpose_scope"],
        "开办资金(万元)": fmt.wan(rep["startup_capital_wan"]),
        "年初净资产(万元)": fmt.wan(rep["net_assets_begin_wan"]),
        "期末净资产(万元)": fmt.wan(rep["net_assets_end_wan"]),
        "从业人数": fmt.count(rep["headcount"]),
        "相关资质": rep["qualifications"],
        "受奖惩及诉讼": rep["awards_litigation"],
        "接受捐赠": rep["donations"],
    }
    ui.dataframe(
        pd.DataFrame(
            {
                "字段": list(fields),
                "值": [fmt.MISSING if fmt.is_missing(v) or v == "" else str(v) for v in fields.values()],
            }
        ),
        key="rep_fields",
    )
    changes = queries.report_changes(report_id)
    if len(changes):
        st.markdown("**变更登记 Registration changes**")
        ui.dataframe(changes, key="rep_changes")
    st.subheader("问题 Problems")
    problems = queries.report_problems(report_id)
    if problems.empty:
        st.success("没有抽取问题 No problems")
    else:
        problems["级别"] = problems["级别"].map(lambda v: labels.of(labels.SEVERITY, v))
        ui.dataframe(problems, key="rep_problems")
    st.subheader(f"对外交流活动 Activities({len(acts)})")
    if len(acts):
        display = pd.DataFrame(
            {
                "序号": acts["activity_no"],
                "类型": acts["kind"].map(lambda v: labels.of(labels.KIND, v)),
                "方向": acts["direction"].map(lambda v: labels.of(labels.DIRECTION, v)),
                "月份": acts["month"],
                "国家": acts["countries"].map(labels.countries),
                "人数": acts["participants"],
                "人次": acts["person_times"],
                "批次": acts["batches"],
                "主题": acts["theme"].map(
                    lambda v: "、".join(labels.of(labels.THEME, t) for t in (v or "").split(",") if t) or "—"
                ),
                "原文依据": acts["evidence"],
            }
        )
        ui.table(display, f"activities_{report_id}", key="rep_acts")
    st.subheader("原始文件 Original file")
    source = Path(rep["source_path"] or "")
    st.caption(textview.escape_markdown(str(source)))
    if source.is_file():
        st.download_button(
            "下载原始文件 Download the original",
            source.read_bytes,
            file_name=source.name,
            key="rep_file",
            icon=":material/download:",
        )
    else:
        st.caption("原始文件不在本机 The original file is not on this machine.")

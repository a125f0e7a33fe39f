"""Drill-down from a chart to the activities behind it, each shown with its evidence highlighted in
the report.

A chart click (Plotly selection, `on_select`) becomes a drill filter kept in the URL
(`d_country=KR&d_year=2024`),
so a drill-down is shareable and survives reruns. The list shows the report text around each activity, as
escaped Markdown with the evidence sentence highlighted (see dashboard/textview.py).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import fmt, labels, queries, textview, ui
from dashboard.queries import DRILL_KEYS, Filters

PREFIX = "d_"
PAGE_SIZE = 50


def current() -> dict:
    """The drill filter from the URL: {key: value} for the keys in DRILL_KEYS that are set."""
    drill = {}
    for key in DRILL_KEYS:
        value = st.query_params.get(PREFIX + key)
        if value:
            drill[key] = int(value) if key == "year" and value.isdigit() else value
    return drill


def set_drill(**values) -> None:
    clear()
    for key, value in values.items():
        if key in DRILL_KEYS and value is not None and value == value:
            st.query_params[PREFIX + key] = str(int(value) if key == "year" else value)


def clear() -> None:
    for key in DRILL_KEYS:
        if PREFIX + key in st.query_params:
            del st.query_params[PREFIX + key]


def selection_handler(chart_key: str, fields: tuple[str, ...] | dict[int, tuple[str, ...]]):
    """An `on_select` callback: the clicked point's customdata (in `fields` order) becomes the drill
    filter. A chart whose traces carry different things (the map: cities, then countries) gives `fields`
    per trace number.
    """

    def handle() -> None:
        event = st.session_state.get(chart_key)
        points = (event or {}).get("selection", {}).get("points", []) if event else []
        if not points:
            return
        point = points[0]
        names = fields.get(point.get("curve_number", 0), ()) if isinstance(fields, dict) else fields
        data = point.get("customdata") or []
        if not isinstance(data, list | tuple):
            data = [data]
        set_drill(**dict(zip(names, data, strict=False)))

    return handle


def describe(drill: dict) -> str:
    names = {
        "country": lambda v: labels.country(v),
        "year": lambda v: f"{v} 年",
        "direction": lambda v: labels.of(labels.DIRECTION, v),
        "kind": lambda v: labels.of(labels.KIND, v),
        "theme": lambda v: "主题 " + labels.of(labels.THEME, v),
        "locality": lambda v: str(v),
        "institution": lambda v: str(v),
    }
    return " · ".join(names[k](v) for k, v in drill.items())


def render(f: Filters, *, key: str) -> None:
    """The activity list for the current drill filter (nothing until a chart is clicked)."""
    drill = current()
    st.subheader("活动明细与原文 Activities and evidence")
    if not drill:
        st.info(
            "点击上方任一图表中的柱形或方块,在此查看对应的活动及报告原文。"
            " Click a bar or square above to list its activities."
        )
        return
    head, button = st.columns([5, 1])
    rows, total = queries.drill_activities(f, drill, limit=PAGE_SIZE)
    head.markdown(
        f"**{textview.escape_markdown(describe(drill))}**:共 {total:,} 项活动"
        + (f"(显示前 {PAGE_SIZE} 项)" if total > PAGE_SIZE else "")
    )
    if button.button("清除选择 Clear", key=f"{key}_clear", icon=":material/close:"):
        clear()
        st.rerun()
    if rows.empty:
        st.warning("当前筛选下没有符合的活动。")
        return
    show = pd.DataFrame(
        {
            "单位": rows["institution"],
            "年度": rows["year"],
            "月份": rows["month"],
            "类型": rows["kind"].map(lambda v: labels.of(labels.KIND, v)),
            "方向": rows["direction"].map(lambda v: labels.of(labels.DIRECTION, v)),
            "国家": rows["countries"].map(labels.countries),
            "人数": rows["participants"],
            "人次": rows["person_times"],
            "主题": rows["theme"].map(
                lambda v: "、".join(labels.of(labels.THEME, t) for t in (v or "").split(",") if t)
            ),
            "原文依据": rows["evidence"],
        }
    )
    ui.table(show, "activities", key=f"{key}_tbl", height=min(400, 38 + 35 * len(show)))
    for row in rows.itertuples(index=False):
        with st.container(border=True):
            meta = " · ".join(
                x
                for x in (
                    f"{row.year} 年" + (f"{_int(row.month)} 月" if _int(row.month) else ""),
                    row.institution,
                    labels.of(labels.KIND, row.kind)
                    + (
                        f"({labels.of(labels.DIRECTION, row.direction)})"
                        if isinstance(row.direction, str)
                        else ""
                    ),
                    labels.countries(row.countries) if row.countries else "",
                    f"{fmt.count(row.participants)} 人" if _int(row.participants) else "",
                )
                if x
            )
            st.caption(textview.escape_markdown(meta))
            narrative = row.narrative or ""
            span = textview.locate(narrative, row.evidence, _int(row.span_start), _int(row.span_end))
            if span:
                st.markdown(textview.excerpt_markdown(narrative, span), help=None)
            else:
                st.text(row.evidence or "")
            st.page_link(
                "views/reports.py",
                label="在报告中阅读 Read in report",
                icon=":material/article:",
                query_params={"report": row.report_id, "activity": row.activity_id},
            )


def _int(value) -> int | None:
    return None if value is None or pd.isna(value) else int(value)

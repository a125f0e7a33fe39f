"""单位 Institution explorer: search, profile with history, finances over the years, activities,
comparison."""

import pandas as pd
import streamlit as st

from dashboard import charts, filters, labels, queries, textview, ui

f = filters.current()
st.title("单位 Institutions")
st.caption(filters.describe(f) + "(年度筛选不影响搜索)")

text = st.text_input(
    "按名称(含曾用名)或统一社会信用代码搜索 Search by name, former name or USCC", key="inst_q"
)
found = queries.search_institutions(f, text.strip())
st.caption(f"找到 {len(found)} 个单位" + ("(最多显示 200 个)" if len(found) >= 200 else ""))
event = ui.dataframe(
    found.drop(columns=["institution_id"]),
    on_select="rerun",
    selection_mode="single-row",
    key="inst_list",
    height=min(300, 38 + 35 * max(len(found), 1)),
)
selected_rows = event.selection.rows if event else []
if selected_rows:
    st.query_params["inst"] = found.iloc[selected_rows[0]]["institution_id"]
inst_id = st.query_params.get("inst") or (found.iloc[0]["institution_id"] if len(found) == 1 else None)

tab_profile, tab_compare = st.tabs(["单位档案 Profile", "对比 Compare (≤ 5)"])
with tab_profile:
    profile = queries.institution(inst_id) if inst_id else None
    if profile is None:
        st.info("在上表中选择一个单位查看档案。 Select an institution in the table above.")
    else:
        head, print_col = st.columns([5, 1], vertical_alignment="bottom")
        head.header(textview.escape_markdown(profile["name"] or "—"))
        with print_col:
            ui.print_button()
        a, b, c = st.columns(3)
        a.markdown(f"**统一社会信用代码** {textview.escape_markdown(profile['uscc'] or '—')}")
        a.markdown(f"**法定代表人** {textview.escape_markdown(profile['legal_representative'] or '—')}")
        b.markdown(f"**举办单位** {textview.escape_markdown(profile['sponsor'] or '—')}")
        b.markdown(f"**经费来源** {textview.escape_markdown(profile['funding_source'] or '—')}")
        place = " ".join(x for x in (profile["province"], profile["city"], profile["district"]) if x)
        c.markdown(f"**所在地** {textview.escape_markdown(place or '—')}")
        c.markdown(f"**单位类别** {textview.escape_markdown(profile['kind'])}")
        former = profile.get("former_names")
        if former is not None and len(former):
            st.markdown("**曾用名** " + textview.escape_markdown("、".join(former)))

        st.subheader("登记信息历史 History")
        ui.table(queries.institution_history(inst_id), "institution_history", key="inst_hist")

        fin = queries.institution_finances(inst_id)
        st.subheader("净资产 Net assets")
        ui.chart(ui.memo(charts.institution_net_assets, fin), key="inst_fin_chart")
        st.caption("金额单位:万元。期末净资产是年末时点余额,逐年列出,不跨年度相加。")
        ui.table(fin.drop(columns=["report_id"]), "institution_finances", key="inst_fin")

        st.subheader("对外交流时间线 Activities")
        acts = queries.institution_activities(inst_id)
        event = ui.chart(ui.memo(charts.activity_timeline, acts), key="inst_timeline", selectable=True)
        points = event.selection.points if event else []
        if points:
            activity_id = (points[0].get("customdata") or [None])[0]
            picked = acts[acts["activity_id"] == activity_id]
            if len(picked):
                row = picked.iloc[0]
                narrative = queries.report_text(row["report_id"])
                span = textview.locate(narrative, row["原文依据"], None, None)
                with st.container(border=True):
                    st.caption(f"{row['年度']} 年 · 点击的活动原文 The clicked activity in its report")
                    if span:
                        st.markdown(textview.excerpt_markdown(narrative, span))
                    else:
                        st.text(row["原文依据"] or "")
        display = acts.assign(
            类型=acts["kind"].map(lambda v: labels.of(labels.KIND, v)),
            方向=acts["direction"].map(lambda v: labels.of(labels.DIRECTION, v)),
            国家=acts["国家"].map(labels.countries),
        ).drop(columns=["activity_id", "report_id", "kind", "direction"])
        display = display[["年度", "月份", "类型", "方向", "国家", "人数", "人次", "原文依据"]]
        ui.table(display, "institution_activities", key="inst_acts")
        st.page_link(
            "views/exchange.py",
            label="在对外交流页查看该单位的活动原文 Evidence on the exchange page",
            icon=":material/public:",
            query_params={"d_institution": profile["name"]},
        )

with tab_compare:
    chosen_ids: dict = st.session_state.setdefault("inst_compare_ids", {})
    names = {**dict(zip(found["名称"], found["institution_id"], strict=False)), **chosen_ids}
    chosen = st.multiselect(
        "选择最多 5 个单位(选项来自上方搜索结果) Choose up to 5 from the search results",
        list(names),
        max_selections=5,
        key="inst_compare",
        select_all=False,
    )
    st.session_state["inst_compare_ids"] = {n: names[n] for n in chosen}
    cmp = queries.compare_finances([names[n] for n in chosen]) if chosen else pd.DataFrame()
    ui.chart(ui.memo(charts.compare_net_assets, cmp), key="inst_cmp_chart")
    if len(cmp):
        ui.table(cmp, "compare", key="inst_cmp")

"""对外交流 Exchange activities: country × year, inbound vs outbound, themes, partner localities, network.

Every chart drills down (click) to the activities behind it with the evidence sentence highlighted.
"""

import streamlit as st

from dashboard import charts, drill, filters, queries, ui

f = filters.current()
st.title("对外交流 Exchange activities")
st.caption(filters.describe(f))

totals = queries.exchange_totals(f)
cols = st.columns(6)
cols[0].metric("活动 Activities", ui.fmt_num(totals["activities"]))
cols[1].metric("访问 Visits", ui.fmt_num(totals["visits"]))
cols[2].metric("来访 Inbound", ui.fmt_num(totals["inbound"]))
cols[3].metric("出访 Outbound", ui.fmt_num(totals["outbound"]))
cols[4].metric("人数合计 Participants", ui.fmt_num(totals["participants"]))
cols[5].metric("人次合计 Person-times", ui.fmt_num(totals["person_times"]))

ui.chart(
    charts.country_year_matrix(queries.country_year(f)),
    key="ex_matrix",
    selectable=True,
    on_select=drill.selection_handler("ex_matrix", ("country", "year")),
)
left, right = st.columns(2)
with left:
    ui.chart(
        charts.direction_year(queries.direction_year(f)),
        key="ex_direction",
        selectable=True,
        on_select=drill.selection_handler("ex_direction", ("direction", "year")),
    )
    ui.chart(
        charts.themes(queries.themes(f)),
        key="ex_themes",
        selectable=True,
        on_select=drill.selection_handler("ex_themes", ("theme",)),
    )
with right:
    ui.chart(
        charts.kind_year(queries.kind_year(f)),
        key="ex_kinds",
        selectable=True,
        on_select=drill.selection_handler("ex_kinds", ("kind", "year")),
    )
    localities = queries.top_localities(f)
    ui.chart(
        charts.top_localities(localities),
        key="ex_localities",
        selectable=True,
        on_select=drill.selection_handler("ex_localities", ("locality",)),
    )

with st.expander("单位—外方地点网络 Network of institutions and partner localities", expanded=False):
    edges = queries.network_edges(f)
    ui.chart(charts.network(edges), key="ex_network")
    ui.table(edges, "network_edges", key="ex_edges")

drill.render(f, key="ex_drill")

"""对外交流 Exchange activities: a map of partner countries and cities, country × year, trends per country,
inbound vs outbound, themes, partner localities, network.

Every chart drills down (click) to the activities behind it with the evidence sentence highlighted.
"""

import streamlit as st

from dashboard import charts, drill, filters, fmt, geo, labels, queries, ui

f = filters.current()
st.title("对外交流 Exchange activities")
st.caption(filters.describe(f))

totals = queries.exchange_totals(f)
ui.metrics(
    [
        ("活动 Activities", fmt.count(totals["activities"])),
        ("访问 Visits", fmt.count(totals["visits"])),
        ("来访 Inbound", fmt.count(totals["inbound"])),
        ("出访 Outbound", fmt.count(totals["outbound"])),
        ("人数合计 Participants", fmt.count(totals["participants"])),
        ("人次合计 Person-times", fmt.count(totals["person_times"])),
    ]
)

country_year = queries.country_year(f)
per_country = country_year.groupby("country", as_index=False)["activities"].sum()
localities = ui.memo(geo.place, queries.map_localities(f))
placed = localities.dropna(subset=["lat"])
ui.chart(
    ui.memo(charts.world_map, per_country, placed),
    key="ex_map",
    selectable=True,
    on_select=drill.selection_handler("ex_map", {0: ("locality",), 1: ("country",)}),
)
unplaced = localities[localities["lat"].isna()]
st.caption(
    f"城市坐标来自 GeoNames:{len(placed):,} 个外方地点已标在图上,{len(unplaced):,} 个未标"
    "(多为省、州、县等地区级地名,或 GeoNames 中没有中文名的城市;它们仍计入所在国家的颜色)。"
)
if len(unplaced):
    with st.expander(f"未标在图上的外方地点({len(unplaced):,} 个)"):
        ui.table(
            unplaced.assign(国家=unplaced["country"].map(labels.country))[
                ["locality", "国家", "activities"]
            ].rename(columns={"locality": "地点", "activities": "活动数"}),
            "localities_not_on_map",
            key="ex_unplaced",
        )

ui.chart(
    ui.memo(charts.country_year_matrix, country_year),
    key="ex_matrix",
    selectable=True,
    on_select=drill.selection_handler("ex_matrix", ("country", "year")),
)
ui.chart(
    ui.memo(charts.country_trend, country_year),
    key="ex_country_trend",
    selectable=True,
    on_select=drill.selection_handler("ex_country_trend", ("country", "year")),
)
left, right = st.columns(2)
with left:
    ui.chart(
        ui.memo(charts.direction_year, queries.direction_year(f)),
        key="ex_direction",
        selectable=True,
        on_select=drill.selection_handler("ex_direction", ("direction", "year")),
    )
    ui.chart(
        ui.memo(charts.themes, queries.themes(f)),
        key="ex_themes",
        selectable=True,
        on_select=drill.selection_handler("ex_themes", ("theme",)),
    )
with right:
    ui.chart(
        ui.memo(charts.kind_year, queries.kind_year(f)),
        key="ex_kinds",
        selectable=True,
        on_select=drill.selection_handler("ex_kinds", ("kind", "year")),
    )
    ui.chart(
        ui.memo(charts.top_localities, queries.top_localities(f)),
        key="ex_localities",
        selectable=True,
        on_select=drill.selection_handler("ex_localities", ("locality",)),
    )

with st.expander("单位—外方地点网络 Network of institutions and partner localities", expanded=False):
    edges = queries.network_edges(f)
    ui.chart(ui.memo(charts.network, edges), key="ex_network")
    ui.table(
        edges.assign(country=edges["country"].map(labels.country)).rename(
            columns={"institution": "单位", "locality": "外方地点", "country": "国家", "activities": "活动数"}
        ),
        "network_edges",
        key="ex_edges",
    )

drill.render(f, key="ex_drill")

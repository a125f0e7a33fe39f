"""Plotly figures for the pages: Chinese labels, PNG download from the toolbar, selection-ready traces.

Functions take DataFrames from `dashboard.queries` and return figures; they never query. Traces that the
pages drill down from carry `customdata` with the values the drill-down needs.
"""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dashboard import fmt, geo, labels

FONT = "Noto Sans CJK SC, Microsoft YaHei, PingFang SC, sans-serif"
DIRECTION_COLORS = {"来访": "#2b8cbe", "出访": "#e6550d"}

# Plotly's toolbar: PNG download named in Chinese, and the tools a selection needs.
CONFIG = {
    "displaylogo": False,
    "toImageButtonOptions": {"format": "png", "filename": "nianbao-chart", "scale": 2},
}


def _style(fig: go.Figure, title: str | None = None, height: int = 380) -> go.Figure:
    fig.update_layout(
        title=title,
        height=height,
        font_family=FONT,
        margin={"l": 10, "r": 10, "t": 50 if title else 10, "b": 10},
        legend={"title_text": "", "orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0},
        clickmode="event+select",
        separators=".,",
    )
    fig.update_xaxes(automargin=True)
    fig.update_yaxes(automargin=True)
    return fig


def _year_axis(fig: go.Figure, years, **axis) -> go.Figure:
    """A year axis with one tick per year present (one year: one tick, centred), never a fractional year."""
    values = sorted({int(y) for y in years if not fmt.is_missing(y)})
    if values:
        fig.update_xaxes(
            tickvals=values, ticktext=[str(y) for y in values], range=[values[0] - 0.5, values[-1] + 0.5],
            **axis,
        )  # fmt: skip
    return fig


def _money_axis(fig: go.Figure, **where) -> None:
    """Money ticks with separators (never "25M"); the unit is in the chart's title, not in a rotated axis
    title that a CJK reader would read sideways."""
    fig.update_yaxes(title_text=None, tickformat=fmt.AXIS_TICKS, **where)


def empty(message: str = "当前筛选下没有数据") -> go.Figure:
    fig = go.Figure()
    fig.add_annotation(text=message, showarrow=False, font_size=16)
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return _style(fig, height=200)


def yearly_trends(df: pd.DataFrame) -> go.Figure:
    if df.empty:
        return empty()
    # 单位数 equals 报告数 (one current report per institution-year): it stays in the table, not the chart.
    long = df.melt(id_vars="年度", value_vars=["报告数", "交流活动数"], var_name="指标", value_name="数量")
    fig = px.line(long, x="年度", y="数量", color="指标", markers=True)
    _year_axis(fig, df["年度"])
    fig.update_yaxes(rangemode="tozero", tickformat=",d", title_text=None)
    return _style(fig, "逐年趋势:报告与交流活动")


def net_assets_trend(df: pd.DataFrame) -> go.Figure:
    """Net assets at year end, summed over the institutions reporting that year: one bar per year (a balance
    is never added across years)."""
    if df.empty:
        return empty()
    unit, divisor = fmt.money_unit(df["期末净资产合计(万元)"].abs().max())
    fig = go.Figure(
        go.Bar(
            x=df["年度"], y=df["期末净资产合计(万元)"] / divisor, name="期末净资产合计",
            hovertemplate="%{x} 年:%{y:,.2f} " + unit + "<extra></extra>",
        )
    )  # fmt: skip
    _year_axis(fig, df["年度"])
    _money_axis(fig)
    return _style(fig, f"各年度期末净资产合计({unit})")


def institution_net_assets(df: pd.DataFrame) -> go.Figure:
    if df.empty:
        return empty("没有财务数据")
    unit, divisor = fmt.money_unit(df[["年初净资产", "期末净资产"]].abs().max().max())
    fig = go.Figure()
    for column in ("年初净资产", "期末净资产"):
        fig.add_scatter(
            x=df["年度"], y=df[column] / divisor, name=column, mode="lines+markers",
            hovertemplate="%{x} 年:%{y:,.2f} " + unit + "<extra>" + column + "</extra>",
        )  # fmt: skip
    _year_axis(fig, df["年度"])
    _money_axis(fig)
    return _style(fig, f"净资产({unit}):年初 / 期末")


def activity_timeline(df: pd.DataFrame) -> go.Figure:
    if df.empty:
        return empty("没有对外交流活动")
    data = df.assign(
        时间=df["年度"].astype(float) + (df["月份"].astype(float).fillna(6.5) - 1) / 12,
        类型=df["kind"].map(lambda v: labels.of(labels.KIND, v)),
        方向=df["direction"].map(lambda v: labels.of(labels.DIRECTION, v)),
    )
    fig = px.scatter(
        data,
        x="时间",
        y="类型",
        color="方向",
        hover_data={"国家": True, "人数": True, "时间": False, "原文依据": False},
        custom_data=["activity_id"],
    )
    fig.update_traces(marker_size=12)
    years = sorted({int(y) for y in df["年度"]})
    # a year runs from its tick to the next one: ticks at every year from the first to the year after the last
    fig.update_xaxes(
        tickvals=[*years, years[-1] + 1] if len(years) == 1 else list(range(years[0], years[-1] + 2)),
        tickformat="d", range=[years[0] - 0.1, years[-1] + 1.1], title_text="年度",
    )  # fmt: skip
    fig.update_yaxes(title_text=None)
    return _style(fig, "对外交流时间线(点击查看原文)")


def compare_net_assets(df: pd.DataFrame) -> go.Figure:
    if df.empty:
        return empty("请选择单位")
    unit, divisor = fmt.money_unit(df["期末净资产"].abs().max())
    fig = px.line(
        df.assign(期末净资产=df["期末净资产"] / divisor), x="年度", y="期末净资产", color="单位", markers=True
    )
    _year_axis(fig, df["年度"])
    _money_axis(fig)
    return _style(fig, f"期末净资产对比({unit})")


def finance_distribution(
    boxes: pd.DataFrame, outliers: pd.DataFrame, column: str = "期末净资产"
) -> go.Figure:
    """A box per year from precomputed quartiles and whiskers (`queries.finance_distribution`), with the
    far-out values (`queries.finance_outliers`) as points. Money spans several orders of magnitude across
    institutions: when every value is positive the axis is logarithmic, so the boxes are not flattened under
    the outliers; a measure that can be zero or negative (净资产变动) stays linear, cut to the whiskers, its
    far-out values listed in the table below the chart instead."""
    if boxes.empty:
        return empty()
    is_money = column != "从业人数"
    values = pd.concat(
        [boxes[["lowerfence", "q1", "q3", "upperfence"]].stack(), outliers.get(column, pd.Series())]
    )
    unit, divisor = fmt.money_unit(values.abs().max()) if is_money else ("人", 1)
    log = bool(len(values)) and bool((values > 0).all())
    fig = go.Figure()
    fig.add_box(
        x=boxes["年度"],
        q1=boxes["q1"] / divisor,
        median=boxes["中位数"] / divisor,
        q3=boxes["q3"] / divisor,
        lowerfence=boxes["lowerfence"] / divisor,
        upperfence=boxes["upperfence"] / divisor,
        name=column,
        showlegend=False,
    )
    if not outliers.empty and log:
        fig.add_scatter(
            x=outliers["年度"],
            y=outliers[column] / divisor,
            mode="markers",
            name="异常值",
            text=outliers["单位"],
            hovertemplate="%{text}<br>%{x}: %{y:,.2f}<extra>异常值</extra>",
            marker={"size": 5, "opacity": 0.6},
            showlegend=False,
        )
    _year_axis(fig, boxes["年度"], title_text="年度")
    if log:
        fig.update_yaxes(type="log", title_text=None, tickformat=",~r")
        note = "对数坐标"
    else:
        lo, hi = (boxes["lowerfence"].min() / divisor, boxes["upperfence"].max() / divisor)
        pad = (hi - lo) * 0.05 or 1
        fig.update_yaxes(range=[lo - pad, hi + pad], title_text=None, tickformat=fmt.AXIS_TICKS)
        note = "异常值见下表"
    return _style(fig, f"{column}分布({unit},{note})")


def finance_trend(df: pd.DataFrame) -> go.Figure:
    """Net assets per year, from `queries.finance_yearly`: the total (bars) and the median (line), each in its
    own panel starting at zero, so neither is read on the other's scale."""
    if df.empty:
        return empty()
    units = {c: fmt.money_unit(df[c].abs().max()) for c in ("合计", "中位数")}
    fig = make_subplots(
        rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.12,
        subplot_titles=(f"合计({units['合计'][0]})", f"中位数({units['中位数'][0]})"),
    )  # fmt: skip
    for row, column, kind in ((1, "合计", "bar"), (2, "中位数", "line")):
        unit, divisor = units[column]
        y = df[column] / divisor
        hover = "%{x} 年:%{y:,.2f} " + unit + "<extra></extra>"
        if kind == "bar":
            fig.add_bar(x=df["年度"], y=y, name=column, hovertemplate=hover, row=row, col=1)
        else:
            fig.add_scatter(
                x=df["年度"], y=y, name=column, mode="lines+markers", hovertemplate=hover, row=row, col=1
            )
        _money_axis(fig, rangemode="tozero", row=row, col=1)
    _year_axis(fig, df["年度"])
    fig.update_layout(showlegend=False)
    return _style(fig, "期末净资产:各年度合计与中位数", height=460)


def country_year_matrix(df: pd.DataFrame) -> go.Figure:
    """Country × year as a grid of squares (a heatmap that can be clicked: heatmaps cannot be selected)."""
    if df.empty:
        return empty()
    data = df.assign(国家=df["country"].map(labels.country))
    order = data.groupby("国家")["activities"].sum().sort_values().index.tolist()
    fig = px.scatter(
        data,
        x="year",
        y="国家",
        color="activities",
        custom_data=["country", "year"],
        hover_data={"participants": True},
        labels={"year": "年度", "activities": "活动数", "participants": "人数"},
        color_continuous_scale="YlOrRd",
        category_orders={"国家": order[::-1]},
    )
    fig.update_traces(marker={"symbol": "square", "size": 22, "line": {"width": 1, "color": "white"}})
    _year_axis(fig, data["year"])
    fig.update_yaxes(title=None)  # the country names say it; a rotated CJK title reads sideways
    return _style(fig, "国家 × 年度(点击方块查看活动原文)", height=max(320, 28 * len(order) + 130))


def world_map(countries: pd.DataFrame, cities: pd.DataFrame) -> go.Figure:
    """Partner countries shaded by activity count, partner cities as points sized by theirs.

    `countries`: country, activities; `cities`: locality, country, activities, lat, lon (placed ones only).
    The country shapes are the shipped Natural Earth file (`geo.world_geojson`), given to Plotly as GeoJSON,
    and every base layer is off. Plotly.js still fetches its own world map from a CDN when the *first* trace
    of a map has a `locationmode` (a choropleth always has one), so the cities come first: trace 0 is the
    cities (a single invisible point when none is placed), trace 1 the countries. The browser test draws
    this map with the network blocked. customdata: a city's name, a country's code, for the drill-down.
    """
    world = geo.world_geojson()
    counts = dict(zip(countries["country"], countries["activities"], strict=False))
    codes = [f["id"] for f in world["features"]]
    z = [int(counts.get(c, 0)) for c in codes]
    top = max(z) if any(z) else 1
    fig = go.Figure()
    if len(cities):
        names = cities["locality"] + "(" + cities["country"].map(labels.country) + ")"
        fig.add_scattergeo(
            lon=cities["lon"],
            lat=cities["lat"],
            mode="markers",
            marker={
                "size": 6 + 16 * (cities["activities"] / cities["activities"].max()) ** 0.5,
                "color": "#08519c",
                "opacity": 0.8,
                "line": {"width": 1, "color": "white"},
            },
            customdata=cities[["locality"]].to_numpy(),
            text=(names + ":" + cities["activities"].map(fmt.count) + " 项活动").tolist(),
            hovertemplate="%{text}<extra>外方城市</extra>",
            name="外方城市",
            showlegend=False,
        )
    else:
        fig.add_scattergeo(lon=[0], lat=[0], marker_opacity=0, hoverinfo="skip", showlegend=False)
    fig.add_choropleth(
        geojson=world,
        featureidkey="id",
        locations=codes,
        z=z,
        zmin=0,
        zmax=top,
        # no activity: light grey; one activity already a clear yellow, then on to dark red
        colorscale=[[0, "#ececec"], [0.5 / top, "#ececec"], [0.5 / top, "#ffeda0"], [1, "#bd0026"]],
        marker_line_color="white",
        marker_line_width=0.5,
        customdata=[[c] for c in codes],
        text=[labels.country(c) for c in codes],
        hovertemplate="%{text}:%{z:,d} 项活动<extra></extra>",
        colorbar={"title": {"text": "活动数"}, "thickness": 12, "len": 0.6, "tickformat": ",d"},
        name="国家",
    )
    fig.update_geos(
        visible=False,  # no base layers: Plotly would fetch them from a CDN
        projection_type="natural earth",
        lataxis_range=[-58, 85],
        showframe=False,
    )
    fig.update_layout(dragmode=False)
    return _style(fig, "交流对象国家与城市(颜色 = 活动数;点击国家或城市查看活动原文)", height=460)


def country_trend(df: pd.DataFrame, top: int = 8) -> go.Figure:
    """Activities per year of the `top` busiest countries, a line each (click a point: that country-year)."""
    if df.empty:
        return empty()
    busiest = df.groupby("country")["activities"].sum().nlargest(top).index
    years = sorted(df["year"].unique())
    grid = pd.MultiIndex.from_product([busiest, years], names=["country", "year"])
    data = df.set_index(["country", "year"])["activities"].reindex(grid, fill_value=0).reset_index()
    fig = go.Figure()
    for code in busiest:
        part = data[data["country"] == code]
        name = labels.country(code)
        fig.add_scatter(
            x=part["year"], y=part["activities"], name=name, mode="lines+markers",
            customdata=part[["country", "year"]].to_numpy().tolist(),
            hovertemplate="%{x} 年 " + name + ":%{y:,d} 项活动<extra></extra>",
        )  # fmt: skip
    _year_axis(fig, data["year"], title_text="年度")
    fig.update_yaxes(rangemode="tozero", tickformat=",d", title_text="活动数")
    return _style(fig, f"主要国家活动数逐年变化(前 {len(busiest)} 个国家)", height=400)


def net_assets_changes(df: pd.DataFrame, year_a: int, year_b: int, by: str = "变动") -> go.Figure:
    """The largest rises and falls of net assets between two years, one bar per institution."""
    if df.empty:
        return empty(f"没有同时报告 {year_a} 年和 {year_b} 年净资产的单位")
    percent = by == "变动率%"
    unit, divisor = ("%", 1) if percent else fmt.money_unit(df[by].abs().max())
    data = df.assign(值=df[by] / divisor, 方向=df[by].map(lambda v: "上升" if v > 0 else "下降"))
    fig = px.bar(
        data.iloc[::-1], x="值", y="单位", orientation="h", color="方向",
        color_discrete_map={"上升": "#1a9850", "下降": "#d73027"},
        hover_data={"值": False, "方向": False},
    )  # fmt: skip
    fig.update_traces(hovertemplate="%{y}:%{x:,.2f} " + unit + "<extra></extra>")
    fig.update_xaxes(title_text=f"{year_a} → {year_b} 期末净资产{'变动率' if percent else '变动'}({unit})")
    fig.update_xaxes(tickformat=fmt.AXIS_TICKS)
    fig.update_yaxes(title_text=None)
    return _style(fig, f"净资产变动最大的单位({year_a} → {year_b})", height=max(320, 22 * len(data) + 120))


def _bars_by(df: pd.DataFrame, column: str, names: dict[str, str], colors: dict | None = None) -> go.Figure:
    """One bar trace per value of `column` over the years (plain graph_objects: a tenth of plotly.express's
    cost), customdata (value, year) for the drill-down."""
    fig = go.Figure()
    for value, part in df.groupby(column, sort=True):
        name = labels.of(names, value)
        fig.add_bar(
            x=part["year"],
            y=part["activities"],
            name=name,
            customdata=part[[column, "year"]].to_numpy().tolist(),
            marker_color=(colors or {}).get(name),
            hovertemplate="%{x} 年 " + name + ":%{y:,d}<extra></extra>",
        )
    return fig


def direction_year(df: pd.DataFrame) -> go.Figure:
    if df.empty:
        return empty("当前筛选下没有访问")
    fig = _bars_by(df, "direction", labels.DIRECTION, DIRECTION_COLORS)
    fig.update_layout(barmode="group", yaxis_title="访问次数", xaxis_title="年度")
    _year_axis(fig, df["year"])
    return _style(fig, "来访 / 出访(每年)")


def kind_year(df: pd.DataFrame) -> go.Figure:
    if df.empty:
        return empty()
    fig = _bars_by(df, "kind", labels.KIND)
    fig.update_layout(barmode="stack", yaxis_title="活动数", xaxis_title="年度")
    _year_axis(fig, df["year"])
    return _style(fig, "活动类型(每年)")


def themes(df: pd.DataFrame) -> go.Figure:
    if df.empty:
        return empty()
    data = df.assign(主题=df["theme"].map(lambda v: labels.of(labels.THEME, v)))
    fig = px.bar(
        data,
        x="activities",
        y="主题",
        orientation="h",
        custom_data=["theme"],
        labels={"activities": "活动数"},
    )
    fig.update_yaxes(autorange="reversed", title=None)
    return _style(fig, "交流主题")


def top_localities(df: pd.DataFrame) -> go.Figure:
    if df.empty:
        return empty()
    data = df.assign(地点=df["locality"] + "(" + df["country"].map(labels.country) + ")")
    fig = px.bar(
        data,
        x="activities",
        y="地点",
        orientation="h",
        custom_data=["locality"],
        hover_data={"institutions": True},
        labels={"activities": "活动数", "institutions": "单位数"},
    )
    fig.update_yaxes(autorange="reversed", title=None)
    return _style(fig, "主要外方地点(前 20)", height=max(320, 24 * len(data) + 100))


def network(df: pd.DataFrame) -> go.Figure:
    """Institutions (left) linked to the partner localities (right) they worked with, as a Sankey diagram."""
    if df.empty:
        return empty("当前筛选下没有单位—地点联系")
    insts = sorted(df["institution"].unique())
    locs = sorted((df["locality"] + "(" + df["country"].map(labels.country) + ")").unique())
    index = {name: i for i, name in enumerate(insts)}
    index.update({name: len(insts) + i for i, name in enumerate(locs)})
    targets = df["locality"] + "(" + df["country"].map(labels.country) + ")"
    fig = go.Figure(
        go.Sankey(
            node={"label": insts + locs, "pad": 8, "thickness": 12},
            link={
                "source": [index[s] for s in df["institution"]],
                "target": [index[t] for t in targets],
                "value": df["activities"].tolist(),
            },
        )
    )
    return _style(fig, "单位—外方地点网络(线宽 = 活动数)", height=max(400, 18 * max(len(insts), len(locs))))


def file_outcomes(df: pd.DataFrame) -> go.Figure:
    if df.empty:
        return empty("还没有文件记录")
    g = df.groupby("outcome", as_index=False)["files"].sum()
    g["结果"] = g["outcome"].map(lambda v: labels.of(labels.OUTCOME, v))
    fig = px.bar(g, x="结果", y="files", text="files", labels={"files": "文件数"})
    return _style(fig, "文件结果")

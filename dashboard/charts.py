"""Plotly figures for the pages: Chinese labels, PNG download from the toolbar, selection-ready traces.

Functions take DataFrames from `dashboard.queries` and return figures; they never query. Traces that the
pages drill down from carry `customdata` with the values the drill-down needs.
"""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from dashboard import labels

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
        legend_title_text="",
        clickmode="event+select",
    )
    return fig


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
    fig.update_xaxes(dtick=1)
    fig.update_yaxes(rangemode="tozero")
    return _style(fig, "逐年趋势:报告与交流活动")


def net_assets_trend(df: pd.DataFrame) -> go.Figure:
    if df.empty:
        return empty()
    fig = px.bar(
        df, x="年度", y="期末净资产合计_万元", labels={"期末净资产合计_万元": "期末净资产合计(万元)"}
    )
    fig.update_xaxes(dtick=1)
    return _style(fig, "期末净资产合计(万元)")


def institution_net_assets(df: pd.DataFrame) -> go.Figure:
    if df.empty:
        return empty("没有财务数据")
    long = df.melt(
        id_vars="年度", value_vars=["年初净资产", "期末净资产"], var_name="指标", value_name="万元"
    )
    fig = px.line(long, x="年度", y="万元", color="指标", markers=True)
    fig.update_xaxes(dtick=1)
    return _style(fig, "净资产(万元):年初 / 期末")


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
    fig.update_xaxes(dtick=1, tickformat="d")
    return _style(fig, "对外交流时间线(点击查看原文)")


def compare_net_assets(df: pd.DataFrame) -> go.Figure:
    if df.empty:
        return empty("请选择单位")
    fig = px.line(
        df, x="年度", y="期末净资产", color="单位", markers=True, labels={"期末净资产": "期末净资产(万元)"}
    )
    fig.update_xaxes(dtick=1)
    return _style(fig, "期末净资产对比(万元)")


def finance_distribution(
    boxes: pd.DataFrame, outliers: pd.DataFrame, column: str = "期末净资产"
) -> go.Figure:
    """A box per year from precomputed quartiles and whiskers (`queries.finance_distribution`), with the
    far-out values (`queries.finance_outliers`) as points."""
    if boxes.empty:
        return empty()
    fig = go.Figure()
    fig.add_box(
        x=boxes["年度"],
        q1=boxes["q1"],
        median=boxes["中位数"],
        q3=boxes["q3"],
        lowerfence=boxes["lowerfence"],
        upperfence=boxes["upperfence"],
        name=column,
        showlegend=False,
    )
    if not outliers.empty:
        fig.add_scatter(
            x=outliers["年度"],
            y=outliers[column],
            mode="markers",
            name="异常值",
            text=outliers["单位"],
            hovertemplate="%{text}<br>%{x}: %{y}<extra>异常值</extra>",
            marker={"size": 5, "opacity": 0.6},
            showlegend=False,
        )
    unit = "人" if column == "从业人数" else "万元"
    fig.update_layout(yaxis_title=f"{column}({unit})", xaxis_title="年度")
    fig.update_xaxes(dtick=1)
    return _style(fig, f"{column}分布({unit},按年度;点为超出四分位距 3 倍的值)")


def finance_trend(df: pd.DataFrame) -> go.Figure:
    """Net assets per year: total (bars) and median (line), from `queries.finance_yearly`."""
    if df.empty:
        return empty()
    fig = go.Figure()
    fig.add_bar(x=df["年度"], y=df["合计"], name="期末净资产合计", yaxis="y")
    fig.add_scatter(x=df["年度"], y=df["中位数"], name="中位数", yaxis="y2", mode="lines+markers")
    fig.update_layout(
        yaxis={"title": "合计(万元)"},
        yaxis2={"title": "中位数(万元)", "overlaying": "y", "side": "right"},
    )
    fig.update_xaxes(dtick=1)
    return _style(fig, "期末净资产:合计与中位数(万元)")


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
    fig.update_xaxes(dtick=1)
    fig.update_yaxes(title=None)  # the country names say it; a rotated CJK title reads sideways
    return _style(fig, "国家 × 年度(点击方块查看活动原文)", height=max(320, 28 * len(order) + 130))


def direction_year(df: pd.DataFrame) -> go.Figure:
    if df.empty:
        return empty("当前筛选下没有访问")
    data = df.assign(方向=df["direction"].map(lambda v: labels.of(labels.DIRECTION, v)))
    fig = px.bar(
        data,
        x="year",
        y="activities",
        color="方向",
        barmode="group",
        custom_data=["direction", "year"],
        labels={"year": "年度", "activities": "访问次数"},
        color_discrete_map=DIRECTION_COLORS,
    )
    fig.update_xaxes(dtick=1)
    return _style(fig, "来访 / 出访(每年)")


def kind_year(df: pd.DataFrame) -> go.Figure:
    if df.empty:
        return empty()
    data = df.assign(类型=df["kind"].map(lambda v: labels.of(labels.KIND, v)))
    fig = px.bar(
        data,
        x="year",
        y="activities",
        color="类型",
        custom_data=["kind", "year"],
        labels={"year": "年度", "activities": "活动数"},
    )
    fig.update_xaxes(dtick=1)
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

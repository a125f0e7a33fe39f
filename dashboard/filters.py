"""Global filters (years, province / city, institution kind) in the sidebar, mirrored in the URL.

The URL is the source on first load (a shared link opens the same view); afterwards the widgets are, and every
run writes them back to `st.query_params`, so the address bar always holds the current view.
"""

from __future__ import annotations

import streamlit as st

from dashboard import queries, textview
from dashboard.queries import Filters

QP_YEARS, QP_PROVINCE, QP_CITY, QP_KIND = "years", "province", "city", "kind"
_KEYS = {QP_YEARS: "f_years", QP_PROVINCE: "f_province", QP_CITY: "f_city", QP_KIND: "f_kind"}


def _parse_years(text: str | None, bounds: tuple[int, int]) -> tuple[int, int]:
    lo, hi = bounds
    if text:
        try:
            a, _, b = text.partition("-")
            lo, hi = max(bounds[0], int(a)), min(bounds[1], int(b or a))
        except ValueError:
            pass
    return (lo, hi) if lo <= hi else bounds


def _from_url(key: str, allowed: list[str]) -> list[str]:
    return [v for v in st.query_params.get_all(key) if v in allowed]


def sidebar() -> Filters:
    """Render the filter widgets and return the current filters (also kept in session state)."""
    options = queries.filter_options()
    bounds = queries.year_range()
    state = st.session_state
    with st.sidebar:
        st.subheader("筛选 Filters")
        years: tuple[int, int] | None = None
        if bounds:
            if _KEYS[QP_YEARS] not in state:
                state[_KEYS[QP_YEARS]] = _parse_years(st.query_params.get(QP_YEARS), bounds)
            if bounds[0] < bounds[1]:
                years = st.slider("年度 Years", bounds[0], bounds[1], key=_KEYS[QP_YEARS])
            else:
                years = bounds
                st.caption(f"年度 Years: {bounds[0]}")
        provinces_all = sorted(options["province"].dropna().unique().tolist())
        if _KEYS[QP_PROVINCE] not in state:
            state[_KEYS[QP_PROVINCE]] = _from_url(QP_PROVINCE, provinces_all)
        provinces = st.multiselect(
            "省份 Province", provinces_all, key=_KEYS[QP_PROVINCE], placeholder="全部", select_all=False
        )
        scoped = options[options["province"].isin(provinces)] if provinces else options
        cities_all = sorted(scoped["city"].dropna().unique().tolist())
        if _KEYS[QP_CITY] not in state:
            state[_KEYS[QP_CITY]] = _from_url(QP_CITY, cities_all)
        state[_KEYS[QP_CITY]] = [c for c in state[_KEYS[QP_CITY]] if c in cities_all]
        cities = st.multiselect(
            "城市 City", cities_all, key=_KEYS[QP_CITY], placeholder="全部", select_all=False
        )
        per_kind = options.groupby("kind")["institutions"].sum()
        kinds_all = sorted(per_kind.index, key=lambda k: (k == queries.KIND_OTHER, -per_kind[k], k))
        if _KEYS[QP_KIND] not in state:
            state[_KEYS[QP_KIND]] = _from_url(QP_KIND, kinds_all)
        kinds = st.multiselect(
            "单位类别 Kind", kinds_all, key=_KEYS[QP_KIND], placeholder="全部", select_all=False
        )
    f = Filters(
        years=tuple(int(y) for y in years) if years and bounds and tuple(years) != bounds else None,
        provinces=tuple(provinces),
        cities=tuple(cities),
        kinds=tuple(kinds),
    )
    _to_url(f)
    state["filters"] = f
    return f


def _to_url(f: Filters) -> None:
    wanted = {
        QP_YEARS: f"{f.years[0]}-{f.years[1]}" if f.years else None,
        QP_PROVINCE: list(f.provinces) or None,
        QP_CITY: list(f.cities) or None,
        QP_KIND: list(f.kinds) or None,
    }
    for key, value in wanted.items():
        current = st.query_params.get_all(key)
        if value is None:
            if current:
                del st.query_params[key]
        elif current != ([value] if isinstance(value, str) else value):
            st.query_params[key] = value


def current() -> Filters:
    return st.session_state.get("filters", Filters())


def describe(f: Filters) -> str:
    parts = []
    if f.years:
        parts.append(f"{f.years[0]}–{f.years[1]} 年")
    parts += ["、".join(x) for x in (f.provinces, f.cities, f.kinds) if x]
    return textview.escape_markdown("筛选:" + ";".join(parts)) if parts else "全部单位、全部年度"

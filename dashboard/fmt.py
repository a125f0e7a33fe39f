"""How every number reads on screen: money in 万元 or 亿元 with separators and fixed decimals, counts with
separators, years as they are, "—" for a missing value. One module, so a card, a table and an axis agree.

The warehouse stores money in 万元 (10,000 CNY). A figure of 10,000 万元 or more reads better as 亿元
(100,000,000 CNY): cards and axes switch to 亿元 there, tables keep one unit per column (万元) so a column
stays comparable down its rows.
"""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

MISSING = "—"
WAN_PER_YI = 10_000
MONEY_DECIMALS = 2

# Integer columns shown without separators (a year is 2024, not 2,024); any column named …年度 too.
YEAR_COLUMNS = frozenset({"年度", "月份", "首年", "末年", "版本", "序号"})
PERCENT_SUFFIX = "%"


def is_missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    try:
        return bool(isinstance(value, float) and math.isnan(value))
    except TypeError:
        return False


def money_unit(max_abs_wan: float | None) -> tuple[str, float]:
    """("亿元", 10,000) when figures reach 10,000 万元, else ("万元", 1): the unit and what to divide by."""
    if max_abs_wan is not None and not is_missing(max_abs_wan) and abs(max_abs_wan) >= WAN_PER_YI:
        return "亿元", WAN_PER_YI
    return "万元", 1


def money(value_wan: object) -> str:
    """12345.678 (万元) → "1.23 亿元"; 9.6 → "9.60 万元"; None → "—"."""
    if is_missing(value_wan):
        return MISSING
    unit, divisor = money_unit(float(value_wan))
    return f"{float(value_wan) / divisor:,.{MONEY_DECIMALS}f} {unit}"


def wan(value_wan: object) -> str:
    """A figure in 万元 without the unit (a table cell, a sentence that names the unit): "20,204,129.65"."""
    return MISSING if is_missing(value_wan) else f"{float(value_wan):,.{MONEY_DECIMALS}f}"


def count(value: object) -> str:
    """181616.0 → "181,616"; None → "—"."""
    return MISSING if is_missing(value) else f"{round(float(value)):,}"


def percent(value: object, decimals: int = 1) -> str:
    """0.1234 → "12.3%"."""
    return MISSING if is_missing(value) else f"{float(value) * 100:,.{decimals}f}%"


def year_span(first: object, last: object) -> str:
    if is_missing(first) or is_missing(last):
        return MISSING
    return f"{int(first)}–{int(last)}" if int(first) != int(last) else str(int(first))


def column_config(df: pd.DataFrame, overrides: dict | None = None) -> dict:
    """Streamlit column formats for a table: years plain, integers with separators, decimals fixed at two
    with separators, shares as percentages (a column whose name ends in %)."""
    config: dict = {}
    for name, dtype in df.dtypes.items():
        label = str(name)
        if not pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype):
            continue
        if label in YEAR_COLUMNS or label.endswith("年度"):
            config[label] = st.column_config.NumberColumn(format="%d")
        elif label.endswith(PERCENT_SUFFIX):
            config[label] = st.column_config.NumberColumn(format="%,.1f%%")
        elif pd.api.types.is_integer_dtype(dtype):
            config[label] = st.column_config.NumberColumn(format="%,d")
        else:
            config[label] = st.column_config.NumberColumn(format=f"%,.{MONEY_DECIMALS}f")
    config.update(overrides or {})
    return config


AXIS_TICKS = ",.2~f"  # d3-format: separators, at most two decimals, never an SI prefix ("25M")

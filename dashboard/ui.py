"""Small display helpers shared by the pages (tables with CSV download, charts with the PNG toolbar)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import charts


def csv_bytes(df: pd.DataFrame) -> bytes:
    return df.to_csv(index=False).encode("utf-8-sig")  # BOM: Excel opens Chinese CSV correctly


def table(df: pd.DataFrame, name: str, *, key: str, height: int | str = "auto", **kwargs) -> None:
    """A table plus an explicit CSV download (Excel-friendly UTF-8 with BOM)."""
    st.dataframe(df, hide_index=True, height=height, key=f"{key}_df", **kwargs)
    st.download_button(
        "下载 CSV",
        lambda: csv_bytes(df),
        file_name=f"{name}.csv",
        mime="text/csv",
        key=f"{key}_csv",
        icon=":material/download:",
    )


def chart(fig, *, key: str, selectable: bool = False, on_select=None):
    """A Plotly chart; with `selectable`, clicks select points and `on_select` is called (drill-down)."""
    if not selectable:
        return st.plotly_chart(fig, key=key, config=charts.CONFIG)
    return st.plotly_chart(
        fig, key=key, config=charts.CONFIG, on_select=on_select or "rerun", selection_mode="points"
    )


def fmt_num(value, digits: int = 2) -> str:
    if value is None or value != value:
        return "—"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.{digits}f}"
    return f"{int(value):,}"

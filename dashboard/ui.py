"""Small display helpers shared by the pages: tables with CSV and Excel downloads, rows of cards, charts with
the PNG toolbar, and the page style (narrow screens, printing)."""

from __future__ import annotations

import importlib
import io
from collections.abc import Callable, Sequence

import pandas as pd
import streamlit as st

from dashboard import charts, fmt

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Page style, injected once per run (a <style> element only: no script, no report text). Narrow screens (a
# laptop half-screen, ≈ 800 px) get a narrower sidebar; printing (browser print / PDF) hides the sidebar,
# the header, toolbars and buttons so an institution's profile prints as a clean document.
STYLE = """<style>
@media (max-width: 1100px) {
  section[data-testid="stSidebar"] { width: 220px !important; min-width: 220px !important; }
  [data-testid="stMainBlockContainer"] { padding-left: 1rem; padding-right: 1rem; }
}
@media print {
  section[data-testid="stSidebar"], header[data-testid="stHeader"], [data-testid="stToolbar"],
  [data-testid="stDecoration"], [data-testid="stElementToolbar"], [data-testid="stDownloadButton"],
  [data-testid="stBaseButton-secondary"], [data-testid="stTextInput"], .no-print, .modebar-container
    { display: none !important; }
  [data-testid="stMainBlockContainer"] { padding: 0 !important; max-width: 100% !important; }
  [data-testid="stVerticalBlock"] { gap: 0.4rem !important; }
  .js-plotly-plot, [data-testid="stDataFrame"] { break-inside: avoid; }
}
</style>"""


def page_style() -> None:
    st.html(STYLE)


PRINT_BUTTON = """<button class="no-print" onclick="window.print()" style="padding:0.35rem 0.8rem;
border:1px solid rgba(49,51,63,0.2);border-radius:0.5rem;background:white;cursor:pointer;font-size:0.9rem">
🖨 打印 / 存为 PDF</button>"""


def print_button() -> None:
    """A button that opens the browser's print dialog (save as PDF there); a fixed snippet, no page data.
    What prints is the page under STYLE's print rules: no sidebar, toolbars or download buttons."""
    st.html(PRINT_BUTTON, unsafe_allow_javascript=True)


def csv_bytes(df: pd.DataFrame) -> bytes:
    return df.to_csv(index=False).encode("utf-8-sig")  # BOM: Excel opens Chinese CSV correctly


def excel_bytes(df: pd.DataFrame, sheet: str = "数据") -> bytes:
    """`df` as an .xlsx workbook (xlsxwriter): numbers stay numbers, with the same formats as on screen."""
    out = df.copy()
    for name in out.columns:
        column = out[name]
        if isinstance(column.dtype, pd.DatetimeTZDtype):
            out[name] = column.dt.tz_localize(None)  # Excel has no time zones
        elif column.dtype == object:
            out[name] = column.map(_cell)
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="xlsxwriter") as writer:
        out.to_excel(writer, sheet_name=sheet[:31], index=False)
        book, page = writer.book, writer.sheets[sheet[:31]]
        formats = {
            "%d": book.add_format({"num_format": "0"}),
            "%,d": book.add_format({"num_format": "#,##0"}),
        }
        formats[f"%,.{fmt.MONEY_DECIMALS}f"] = book.add_format({"num_format": "#,##0.00"})
        formats["%,.1f%%"] = book.add_format({"num_format": '#,##0.0"%"'})
        config = fmt.column_config(df)
        for i, name in enumerate(out.columns):
            number_format = (config.get(str(name)) or {}).get("type_config", {}).get("format")
            width = min(
                60, max(8, len(str(name)) * 2 + 2, int(out[name].astype(str).str.len().max() or 0) + 2)
            )
            page.set_column(i, i, width, formats.get(number_format))
        page.freeze_panes(1, 0)
    return buffer.getvalue()


def _cell(value: object) -> object:
    """A list or array cell as text ("a、b"); everything else unchanged."""
    if isinstance(value, list | tuple) or hasattr(value, "tolist"):
        return "、".join(str(v) for v in list(value))
    return value


def downloads(
    name: str, key: str, csv: Callable[[], bytes], xlsx: Callable[[], bytes], label: str = ""
) -> None:
    """A CSV and an Excel button side by side; the files are made only when clicked."""
    with st.container(horizontal=True, gap="small"):
        st.download_button(
            f"下载 CSV{label}", csv, file_name=f"{name}.csv", mime="text/csv", key=f"{key}_csv",
            icon=":material/download:",
        )  # fmt: skip
        st.download_button(
            f"下载 Excel{label}", xlsx, file_name=f"{name}.xlsx", mime=XLSX_MIME, key=f"{key}_xlsx",
            icon=":material/table_view:",
        )  # fmt: skip


def dataframe(df: pd.DataFrame, *, key: str, column_config: dict | None = None, **kwargs):
    """`st.dataframe` with the shared number formats and "—" for a missing value."""
    return st.dataframe(
        df,
        hide_index=True,
        key=key,
        column_config=fmt.column_config(df, column_config),
        placeholder=fmt.MISSING,
        **kwargs,
    )


def table(df: pd.DataFrame, name: str, *, key: str, height: int | str = "auto", **kwargs) -> None:
    """A formatted table plus CSV (UTF-8 with BOM) and Excel downloads of exactly its rows."""
    dataframe(df, key=f"{key}_df", height=height, **kwargs)
    downloads(name, key, lambda: csv_bytes(df), lambda: excel_bytes(df, name))


def metrics(cards: Sequence[tuple[str, str]], *, help: dict[str, str] | None = None) -> None:
    """Cards in a row that wraps on a narrow screen instead of cutting the numbers ("139,…")."""
    with st.container(horizontal=True, gap="medium"):
        for label, value in cards:
            st.metric(label, value, border=True, width="content", help=(help or {}).get(label))


def memo(fn: Callable, *args, **kwargs):
    """`fn(*args, **kwargs)` for a pure function of small query results (a chart builder, `geo.place`),
    computed once per distinct input and shared by every session: building a Plotly figure costs 10–100 ms,
    a page has up to eight, and a warm page run should not rebuild them. Inputs are hashed by Streamlit
    (DataFrames by content); results are shared objects and are never modified by the pages."""
    return _memo(f"{fn.__module__}.{fn.__qualname__}", *args, **kwargs)


@st.cache_resource(max_entries=512, ttl=3600, show_spinner=False)
def _memo(name: str, *args, **kwargs):
    module, _, qualname = name.rpartition(".")
    return getattr(importlib.import_module(module), qualname)(*args, **kwargs)


def chart(fig, *, key: str, selectable: bool = False, on_select=None):
    """A Plotly chart; with `selectable`, clicks select points and `on_select` is called (drill-down)."""
    if not selectable:
        return st.plotly_chart(fig, key=key, config=charts.CONFIG)
    return st.plotly_chart(
        fig, key=key, config=charts.CONFIG, on_select=on_select or "rerun", selection_mode="points"
    )

"""nianbao dashboard entry point: `nianbao dashboard` runs `streamlit run dashboard/app.py`.

Reads the published snapshot only (see dashboard/db.py). Pages live in dashboard/views/, one file each;
queries in dashboard/queries.py, charts in dashboard/charts.py. The folder is not called `pages/`: next to the
entry point that name switches Streamlit to its v1 multipage mode, where a deep link such as
/exchange runs the
page file alone (no sidebar filters, no st.navigation) until the root page has been opened once.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `streamlit run dashboard/app.py` puts dashboard/ on the path, not the root
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from dashboard import db, filters, ui  # noqa: E402

HERE = Path(__file__).resolve().parent
PAGES = (
    ("overview.py", "概览 Overview", ":material/dashboard:", "overview"),
    ("institutions.py", "单位 Institutions", ":material/apartment:", "institutions"),
    ("finances.py", "财务 Finances", ":material/payments:", "finances"),
    ("exchange.py", "对外交流 Exchange", ":material/public:", "exchange"),
    ("reports.py", "报告 Reports", ":material/description:", "reports"),
    ("search.py", "全文搜索 Search", ":material/search:", "search"),
    ("quality.py", "数据质量 Data quality", ":material/fact_check:", "quality"),
    ("sql.py", "SQL", ":material/terminal:", "sql"),
    ("about.py", "说明 About the measures", ":material/help:", "about"),
)

st.set_page_config(page_title="nianbao 年报", page_icon="📊", layout="wide", initial_sidebar_state="auto")
ui.page_style()

snapshot = db.current_snapshot()
if snapshot is None:
    page = st.navigation([st.Page(HERE / "views" / "missing.py", title="开始 Start", icon=":material/info:")])
    page.run()
    st.stop()

# One pinned snapshot and at most one read-only connection for the whole run, closed when it ends.
with db.page_run():
    filters.sidebar()
    with st.sidebar:
        st.caption(f"快照版本 snapshot v{snapshot.version}")
        if snapshot.last_ingest_at:
            st.caption(f"最近入库 last ingest {snapshot.last_ingest_at}")

    page = st.navigation(
        [
            st.Page(HERE / "views" / file, title=title, icon=icon, url_path=url, default=(url == "overview"))
            for file, title, icon, url in PAGES
        ]
    )
    page.run()

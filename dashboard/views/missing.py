"""Shown instead of the dashboard while no snapshot has been published."""

import streamlit as st

from dashboard import db
from nianbao import warehouse

wh = db.warehouse_path()
st.title("还没有数据 No data yet")
st.info(
    "尚未找到已发布的数据仓库快照。请先运行 `nianbao ingest` 导入年度报告,然后刷新本页。\n\n"
    "No published warehouse snapshot was found. Run `nianbao ingest` first, then reload this page."
)
st.code(f"nianbao ingest --warehouse {wh} data/samples/", language="bash")
st.caption(f"仓库 warehouse: {wh}")
st.caption(f"快照 snapshot: {warehouse.snapshot_path(wh)}")
if st.button("重新检查 Check again", icon=":material/refresh:"):
    st.rerun()

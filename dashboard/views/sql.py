"""SQL console over the published snapshot: read-only, sandboxed, row and time limits (nianbao.warehouse)."""

import io

import duckdb
import pyarrow.parquet as pq
import streamlit as st

from dashboard import db, queries, textview, ui
from nianbao import warehouse

MAX_ROWS = 10_000
TIMEOUT_S = 10.0
EXAMPLE = """SELECT i.name AS 单位, f.net_assets_begin_wan AS 年初, f.net_assets_end_wan AS 期末
FROM finances f JOIN reports r USING (report_id) JOIN institutions i USING (institution_id)
WHERE r.status = 'current'
ORDER BY f.net_assets_end_wan DESC
LIMIT 20"""

st.title("SQL 查询 Console")
st.caption(
    f"只读:不能写入、不能读文件或联网;最多 {MAX_ROWS:,} 行,{TIMEOUT_S:g} 秒超时。 "
    "Read-only: no writes, no files, no network; row and time limits."
)

editor, schema_col = st.columns([3, 2])
with schema_col:
    st.subheader("表结构 Schema")
    schema = queries.schema()
    needle = st.text_input("查找表或列 Find a table or column", key="sql_find")
    for table, cols in schema.groupby("table_name", sort=True):
        if needle and not (
            needle.lower() in table.lower()
            or cols["column_name"].str.contains(needle, case=False).any()
            or cols["column_comment"].fillna("").str.contains(needle, case=False).any()
        ):
            continue
        comment = cols["table_comment"].dropna()
        with st.expander(f"{table}", expanded=bool(needle)):
            if len(comment):
                st.caption(comment.iloc[0])
            st.dataframe(
                cols[["column_name", "data_type", "column_comment"]].rename(
                    columns={"column_name": "列", "data_type": "类型", "column_comment": "说明"}
                ),
                hide_index=True,
                key=f"sql_schema_{table}",
            )

with editor:
    sql = st.text_area("SQL", value=EXAMPLE, height=220, key="sql_text")
    run = st.button("运行 Run", type="primary", icon=":material/play_arrow:", key="sql_run")
    if run:
        st.session_state["sql_last"] = sql
    last = st.session_state.get("sql_last")
    if last:
        try:
            result = warehouse.run_query(last, db.warehouse_path(), max_rows=MAX_ROWS, timeout_s=TIMEOUT_S)
        except warehouse.UnsafeQuery as exc:
            st.error(f"不允许的语句 Not allowed: {exc}")
        except warehouse.QueryTimeout as exc:
            st.error(f"查询超时 Timed out: {exc}")
        except (duckdb.Error, warehouse.SnapshotMissing) as exc:
            st.error("查询失败 Query failed")
            st.code(str(exc), language=None, wrap_lines=True)
        else:
            df = result.table.to_pandas()
            st.caption(
                f"{len(df):,} 行 rows · {result.elapsed_s:.2f} s"
                + (
                    f" · 已截断为前 {len(df):,} 行 truncated ({result.truncated_by} limit)"
                    if result.truncated
                    else ""
                )
            )
            st.dataframe(df, hide_index=True, key="sql_result")
            a, b = st.columns(2)
            a.download_button(
                "下载 CSV",
                lambda: ui.csv_bytes(df),
                file_name="query.csv",
                mime="text/csv",
                key="sql_csv",
                icon=":material/download:",
            )

            def parquet() -> bytes:
                buffer = io.BytesIO()
                pq.write_table(result.table, buffer)
                return buffer.getvalue()

            b.download_button(
                "下载 Parquet",
                parquet,
                file_name="query.parquet",
                mime="application/vnd.apache.parquet",
                key="sql_parquet",
                icon=":material/download:",
            )
    st.caption(
        textview.escape_markdown("表名即视图名:institutions, reports, finances, exchange_activities, …")
    )

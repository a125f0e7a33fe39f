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
FROM finances f JOIN reports r USING (report_id) JOIN institutions i ON i.institution_id = r.institution_id
WHERE r.status = 'current'
ORDER BY f.net_assets_end_wan DESC
LIMIT 20"""

st.title("SQL 查询 Console")
st.caption(
    f"只读:不能写入、不能读文件或联网;最多 {MAX_ROWS:,} 行,{TIMEOUT_S:g} 秒超时。 "
    "Read-only: no writes, no files, no network; row and time limits."
)


def run_console_query(sql: str) -> dict:
    """Run the console's query once; what to show (a result or one error line) for this and later reruns."""
    try:
        result = warehouse.run_query(sql, db.warehouse_path(), max_rows=MAX_ROWS, timeout_s=TIMEOUT_S)
    except warehouse.UnsafeQuery as exc:
        return {"sql": sql, "error": f"不允许的语句 Not allowed: {exc}"}
    except warehouse.QueryTimeout as exc:
        return {"sql": sql, "error": f"查询超时 Timed out: {exc}"}
    except (duckdb.Error, warehouse.SnapshotMissing) as exc:
        return {"sql": sql, "error": "查询失败 Query failed", "detail": str(exc)}
    return {"sql": sql, "result": result}


def show_result(last: dict | None) -> None:
    if not last:
        return
    if "error" in last:
        st.error(last["error"])
        if last.get("detail"):
            st.code(last["detail"], language=None, wrap_lines=True)
        return
    result = last["result"]
    df = result.table.to_pandas()
    st.caption(
        f"{len(df):,} 行 rows · {result.elapsed_s:.2f} s"
        + (
            f" · 已截断为前 {len(df):,} 行 truncated ({result.truncated_by} limit)"
            if result.truncated
            else ""
        )
    )
    ui.dataframe(df, key="sql_result")

    def parquet() -> bytes:
        buffer = io.BytesIO()
        pq.write_table(result.table, buffer)
        return buffer.getvalue()

    with st.container(horizontal=True, gap="small"):
        ui.downloads("query", "sql", lambda: ui.csv_bytes(df), lambda: ui.excel_bytes(df, "query"))
        st.download_button(
            "下载 Parquet",
            parquet,
            file_name="query.parquet",
            mime="application/vnd.apache.parquet",
            key="sql_parquet",
            icon=":material/download:",
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
            ui.dataframe(
                cols[["column_name", "data_type", "column_comment"]].rename(
                    columns={"column_name": "列", "data_type": "类型", "column_comment": "说明"}
                ),
                key=f"sql_schema_{table}",
            )

with editor:
    # The query runs when 运行 is pressed, never again on a later rerun (typing, the schema finder, a
    # download): the result of the last run is kept in the session, with the SQL it came from.
    with st.form("sql_form", border=False):
        sql = st.text_area("SQL", value=EXAMPLE, height=220, key="sql_text")
        run = st.form_submit_button("运行 Run", type="primary", icon=":material/play_arrow:", key="sql_run")
    if run:
        st.session_state["sql_last"] = run_console_query(sql)
    show_result(st.session_state.get("sql_last"))
    st.caption(
        textview.escape_markdown("表名即视图名:institutions, reports, finances, exchange_activities, …")
    )

"""全文搜索 Full-text search over every current report's narrative, section by section.

Terms separated by spaces must all appear in one section (`友好城市 日本`). Each hit shows its sentence with
the terms highlighted and opens the report in the reader with the same terms highlighted. The global
filters (years, place, kind) narrow the reports searched. The search is a substring scan in SQL
(`queries.SEARCH_TEXT`): Chinese has no spaces between words, so every substring is a possible word.
"""

import streamlit as st

from dashboard import filters, queries, textview

LIMIT = 50

f = filters.current()
st.title("全文搜索 Search the reports")
st.caption(filters.describe(f) + " · 只搜索当前报告(不含已被更正替代的)")

if "search_q" not in st.session_state:
    st.session_state["search_q"] = st.query_params.get("q", "")
text = st.text_input(
    "搜索词(空格分隔,须同时出现在同一章节)Terms, all in one section",
    key="search_q",
    placeholder="例如:友好城市 日本",
)
terms = queries.search_terms(text)
if terms:
    st.query_params["q"] = " ".join(terms)
elif "q" in st.query_params:
    del st.query_params["q"]

if not terms:
    st.info("输入一个或多个词,在全部报告的「开展业务情况」等章节中查找。")
    st.stop()

hits, n_sections, n_reports = queries.search_text(f, terms, limit=LIMIT)
if hits.empty:
    st.warning("没有找到同时包含这些词的章节。")
    st.stop()
st.markdown(
    f"**{n_reports:,}** 份报告的 **{n_sections:,}** 个章节包含"
    f"「{textview.escape_markdown('」「'.join(terms))}」"
    + (f",显示最新的 {LIMIT} 个" if n_sections > LIMIT else "")
)
for row in hits.itertuples(index=False):
    with st.container(border=True):
        st.caption(
            textview.escape_markdown(f"{row.name} · {row.report_year} 年 · {row.section_name or '正文'}")
        )
        st.markdown(textview.hit_markdown(row.text or "", terms))
        st.page_link(
            "views/reports.py",
            label="在报告中阅读 Read in report",
            icon=":material/article:",
            query_params={"report": row.report_id, "q": " ".join(terms)},
        )

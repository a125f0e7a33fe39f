"""Every query the dashboard runs: SQL as named constants over the warehouse's bare view names.

Pages call the functions at the bottom; they return pandas DataFrames from the cached runner in `db`.
Filters are bound as parameters, never formatted into the SQL. Scoped queries start from the CTE `fr`
(current reports of the institutions and years the global filters select).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dashboard import db

# The institution kind (单位类别) is the warehouse's `institutions.kind`, classified from the name at load
# time (transforms/normalize/kind.py); rows loaded before that column existed have none: they count as 其他.
KIND_OTHER = "其他"
INSTITUTIONS_K = f"SELECT * REPLACE (coalesce(kind, '{KIND_OTHER}') AS kind) FROM institutions"
# A snapshot published before the column existed (no load since the upgrade) reads as all 其他.
INSTITUTIONS_NO_KIND = f"SELECT *, '{KIND_OTHER}' AS kind FROM institutions"
HAS_KIND = """
SELECT count(*) AS n FROM duckdb_columns()
WHERE schema_name = 'main' AND table_name = 'institutions' AND column_name = 'kind'
"""


def fetch(sql: str, params: tuple | list = ()) -> pd.DataFrame:
    """`db.fetch`, reading `institutions.kind` only where the snapshot has it."""
    if INSTITUTIONS_K in sql and not int(db.fetch(HAS_KIND).iloc[0]["n"]):
        sql = sql.replace(INSTITUTIONS_K, INSTITUTIONS_NO_KIND)
    return db.fetch(sql, params)


@dataclass(frozen=True)
class Filters:
    """The global filters (sidebar, kept in the URL): an empty tuple means "all"."""

    years: tuple[int, int] | None = None
    provinces: tuple[str, ...] = ()
    cities: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()


def _in(column: str, values: tuple[str, ...], params: list) -> str:
    params.extend(values)
    return f" AND {column} IN ({', '.join('?' for _ in values)})" if values else ""


def institution_where(f: Filters, params: list, alias: str = "i") -> str:
    """Province / city / kind conditions on an `INSTITUTIONS_K` row named `alias`."""
    where = _in(f"{alias}.province", f.provinces, params)
    where += _in(f"{alias}.city", f.cities, params)
    where += _in(f"{alias}.kind", f.kinds, params)
    return where


def scope(f: Filters) -> tuple[str, list]:
    """`WITH i, fr, a`: institutions, the current reports in the filtered years of the filtered institutions
    (`fr`) and their exchange activities (`a`). `a` filters exchange_activities by its own year and status
    columns and by institution (a semi-join) instead of joining `fr`: 3× faster at 100k reports. A query
    uses the CTEs it needs; DuckDB does not run the others."""
    params: list = []
    where = ""
    if f.years:
        where += " AND r.report_year BETWEEN ? AND ?"
        params.extend(f.years)
    where += institution_where(f, params)
    act_where = ""
    if f.years:
        act_where += " AND e.report_year BETWEEN ? AND ?"
        params.extend(f.years)
    inst_params: list = []
    inst_where = institution_where(f, inst_params)
    if inst_where:
        act_where += f" AND e.institution_id IN (SELECT i.institution_id FROM i WHERE true{inst_where})"
        params.extend(inst_params)
    sql = f"""
    WITH i AS ({INSTITUTIONS_K}),
    fr AS (
        SELECT r.report_id, r.institution_id, r.report_year, i.name, i.province, i.city, i.kind
        FROM reports r JOIN i USING (institution_id)
        WHERE r.status = 'current'{where}
    ),
    a AS (SELECT e.* FROM exchange_activities e WHERE e.report_status = 'current'{act_where})
    """
    return sql, params


def scoped(f: Filters, body: str, params: tuple | list = ()) -> pd.DataFrame:
    head, scope_params = scope(f)
    return fetch(head + body, [*scope_params, *params])


# ---------------------------------------------------------------------------------------------------------
# Filter options and snapshot facts (unfiltered)
# ---------------------------------------------------------------------------------------------------------

FILTER_OPTIONS = f"""
SELECT i.province, i.city, i.kind, count(*) AS institutions
FROM ({INSTITUTIONS_K}) i
GROUP BY ALL ORDER BY i.province NULLS LAST, i.city NULLS LAST, i.kind
"""
YEAR_RANGE = "SELECT min(report_year) AS lo, max(report_year) AS hi FROM reports WHERE status = 'current'"
OVERVIEW_ROW = "SELECT * FROM overview"

# ---------------------------------------------------------------------------------------------------------
# 概览
# ---------------------------------------------------------------------------------------------------------

OVERVIEW_COUNTS = """
SELECT
    (SELECT count(DISTINCT institution_id) FROM fr) AS institutions,
    (SELECT count(*) FROM fr) AS reports,
    (SELECT min(report_year) FROM fr) AS first_year,
    (SELECT max(report_year) FROM fr) AS last_year,
    (SELECT count(*) FROM a) AS activities,
    (SELECT count(DISTINCT country_code) FROM activity_countries c JOIN a USING (activity_id)) AS countries,
    (SELECT count(DISTINCT locality_id) FROM activity_localities l JOIN a USING (activity_id)) AS localities,
    (SELECT count(*) FROM a WHERE kind = 'visit') AS visits
"""

YEARLY_TRENDS = """
SELECT fr.report_year AS 年度,
       count(*) AS 报告数,
       count(DISTINCT fr.institution_id) AS 单位数,
       coalesce(sum(ac.n), 0) AS 交流活动数,
       round(sum(f.net_assets_end_wan), 2) AS "期末净资产合计(万元)"
FROM fr
LEFT JOIN finances f USING (report_id)
LEFT JOIN (SELECT report_id, count(*) AS n FROM exchange_activities GROUP BY report_id) ac USING (report_id)
GROUP BY fr.report_year ORDER BY fr.report_year
"""

# ---------------------------------------------------------------------------------------------------------
# 单位
# ---------------------------------------------------------------------------------------------------------

SEARCH_INSTITUTIONS = f"""
SELECT i.institution_id, i.name AS 名称, i.uscc AS 统一社会信用代码, i.province AS 省, i.city AS 市,
       i.kind AS 单位类别, array_to_string(i.former_names, '、') AS 曾用名, i.first_year AS 首年,
       i.last_year AS 末年,
       i.report_count AS 报告数
FROM ({INSTITUTIONS_K}) i
WHERE (? = '' OR i.name ILIKE '%' || ? || '%' OR i.uscc ILIKE '%' || ? || '%'
       OR array_to_string(i.former_names, '|') ILIKE '%' || ? || '%')
"""
SEARCH_ORDER = " ORDER BY i.name LIMIT 200"

INSTITUTION = f"SELECT * FROM ({INSTITUTIONS_K}) WHERE institution_id = ?"
INSTITUTION_HISTORY = """
SELECT version_no AS 版本, valid_from AS 起始年度, valid_to AS 截止年度, name AS 名称,
       legal_representative AS 法定代表人, sponsor AS 举办单位, address AS 住所, funding_source AS 经费来源
FROM institution_history WHERE institution_id = ? ORDER BY version_no
"""
INSTITUTION_FINANCES = """
SELECT r.report_year AS 年度, f.startup_capital_wan AS 开办资金, f.net_assets_begin_wan AS 年初净资产,
       f.net_assets_end_wan AS 期末净资产, f.net_assets_change_wan AS 净资产变动, f.headcount AS 从业人数,
       r.funding_source AS 经费来源, r.funding_source_category AS 经费类别, r.report_id
FROM reports r JOIN finances f USING (report_id)
WHERE r.institution_id = ? AND r.status = 'current' ORDER BY r.report_year
"""
INSTITUTION_ACTIVITIES = """
SELECT e.activity_id, e.report_id, e.report_year AS 年度, e.month AS 月份, e.kind, e.direction,
       array_to_string(e.countries, ',') AS 国家, e.participants AS 人数, e.person_times AS 人次,
       e.evidence AS 原文依据
FROM exchange_activities e
WHERE e.institution_id = ? AND e.report_status = 'current'
ORDER BY e.report_year, e.month NULLS LAST, e.activity_no
"""
COMPARE_FINANCES = """
SELECT i.name AS 单位, r.report_year AS 年度, f.net_assets_end_wan AS 期末净资产,
       f.net_assets_begin_wan AS 年初净资产
FROM reports r JOIN finances f USING (report_id) JOIN institutions i ON i.institution_id = r.institution_id
WHERE r.status = 'current' AND r.institution_id IN (SELECT unnest(?::VARCHAR[]))
ORDER BY i.name, r.report_year
"""

# ---------------------------------------------------------------------------------------------------------
# 财务
# ---------------------------------------------------------------------------------------------------------

FINANCE_OPTIONS = """
SELECT DISTINCT sponsor, funding_source_category FROM finance_trends
"""
# Everything below aggregates or limits in SQL: the page never pulls all finance rows into pandas (at 100k
# reports that alone took ≈260 ms). `ft` = the finance rows of `fr` narrowed by sponsor / funding category.
# finance_trends holds current reports only: it is filtered by its own year column and joined to the
# institutions for their kind and place (joining every current report in `fr` was 2× slower at 100k).
FINANCE_SCOPE = """
, ft AS (
    SELECT t.*, i.kind
    FROM finance_trends t JOIN i USING (institution_id)
    WHERE true{where}
)
"""
# The measures the page offers, as the columns of finance_trends (a whitelist: only these are formatted in).
FINANCE_METRICS = {
    "期末净资产": "net_assets_end_wan",
    "年初净资产": "net_assets_begin_wan",
    "净资产变动": "net_assets_change_wan",
    "开办资金": "startup_capital_wan",
    "从业人数": "headcount",
}
# Per year, and for all years together (总计 = 1): counts, net assets total and median, continuity breaks.
FINANCE_YEARLY = """
SELECT report_year AS 年度, grouping(report_year) AS 总计, count(*) AS 报告数,
       count(DISTINCT institution_id) AS 单位数, sum(net_assets_end_wan) AS 合计,
       median(net_assets_end_wan) AS 中位数, count(*) FILTER (WHERE continuity_break) AS 衔接断裂
FROM ft
GROUP BY GROUPING SETS ((report_year), ())
ORDER BY 总计 DESC, report_year
"""
# Quartiles of one measure per year (linear interpolation, as pandas and Plotly compute them).
_FINANCE_QUARTILES = """
, v AS (SELECT report_year, {column} AS x FROM ft WHERE {column} IS NOT NULL),
q AS (
    SELECT report_year, count(*) AS n, quantile_cont(x, 0.25) AS q1, quantile_cont(x, 0.5) AS med,
           quantile_cont(x, 0.75) AS q3
    FROM v GROUP BY report_year
)
"""
# A box per year: quartiles and Tukey's whiskers (the furthest values within 1.5 × IQR of the quartiles).
FINANCE_DISTRIBUTION = (
    _FINANCE_QUARTILES
    + """
SELECT q.report_year AS 年度, any_value(q.n) AS n, any_value(q.q1) AS q1, any_value(q.med) AS 中位数,
       any_value(q.q3) AS q3,
       min(v.x) FILTER (WHERE v.x >= q.q1 - 1.5 * (q.q3 - q.q1)) AS lowerfence,
       max(v.x) FILTER (WHERE v.x <= q.q3 + 1.5 * (q.q3 - q.q1)) AS upperfence
FROM q JOIN v USING (report_year)
GROUP BY q.report_year ORDER BY q.report_year
"""
)
# Far-out values: beyond 3 × IQR from the quartiles of their year (Tukey); `total` = how many in all. The
# first `limit` are the most extreme of every year in turn (so a capped list still covers every year).
FINANCE_OUTLIERS = (
    _FINANCE_QUARTILES
    + """
, o AS (
    SELECT ft.name, ft.report_year, ft.report_id, ft.{column} AS x, ft.province, ft.city, ft.kind,
           greatest(q.q1 - ft.{column}, ft.{column} - q.q3) AS off
    FROM ft JOIN q USING (report_year)
    WHERE ft.{column} < q.q1 - 3 * (q.q3 - q.q1) OR ft.{column} > q.q3 + 3 * (q.q3 - q.q1)
),
ranked AS (
    SELECT *, row_number() OVER (PARTITION BY report_year ORDER BY off DESC, name, report_id) AS rn,
           count(*) OVER () AS total
    FROM o
)
SELECT name AS 单位, report_year AS 年度, x AS "{metric}", province AS 省, city AS 市, kind AS 单位类别, total
FROM (SELECT * FROM ranked ORDER BY rn, report_year LIMIT ?)
ORDER BY report_year, off DESC, name, report_id
"""
)
FINANCE_BREAKS = """
SELECT name AS 单位, report_year AS 年度, prev_net_assets_end_wan AS 上年期末净资产,
       net_assets_begin_wan AS 年初净资产, continuity_gap_wan AS 衔接差额, province AS 省, city AS 市,
       count(*) OVER () AS total
FROM ft WHERE continuity_break
ORDER BY report_year, name, report_id
LIMIT ?
"""
FINANCE_ROWS = """
SELECT report_year AS 年度, name AS 单位, province AS 省, city AS 市, kind AS 单位类别, sponsor AS 举办单位,
       funding_source_category AS 经费类别, startup_capital_wan AS 开办资金,
       net_assets_begin_wan AS 年初净资产, net_assets_end_wan AS 期末净资产,
       net_assets_change_wan AS 净资产变动, headcount AS 从业人数,
       prev_net_assets_end_wan AS 上年期末净资产, continuity_gap_wan AS 衔接差额,
       continuity_break AS 衔接断裂
FROM ft
ORDER BY report_year, name, report_id
"""
FINANCE_PAGE = FINANCE_ROWS + "LIMIT ? OFFSET ?"

# ---------------------------------------------------------------------------------------------------------
# 对外交流
# ---------------------------------------------------------------------------------------------------------

EXCHANGE_TOTALS = """
SELECT count(*) AS activities, count(*) FILTER (kind = 'visit') AS visits,
       count(*) FILTER (direction = 'inbound') AS inbound,
       count(*) FILTER (direction = 'outbound') AS outbound,
       coalesce(sum(participants), 0) AS participants, coalesce(sum(person_times), 0) AS person_times,
       count(DISTINCT institution_id) AS institutions
FROM a
"""
COUNTRY_YEAR = """
SELECT c.country_code AS country, a.report_year AS year, count(*) AS activities,
       coalesce(sum(a.participants), 0) AS participants
FROM a JOIN activity_countries c USING (activity_id)
GROUP BY ALL ORDER BY country, year
"""
DIRECTION_YEAR = """
SELECT report_year AS year, direction, count(*) AS activities, coalesce(sum(participants), 0) AS participants
FROM a WHERE kind = 'visit' AND direction IS NOT NULL
GROUP BY ALL ORDER BY year, direction
"""
KIND_YEAR = """
SELECT report_year AS year, kind, count(*) AS activities FROM a GROUP BY ALL ORDER BY year, kind
"""
THEMES = """
SELECT theme, count(*) AS activities
FROM (SELECT unnest(theme) AS theme FROM a)
GROUP BY ALL ORDER BY activities DESC, theme
"""
TOP_LOCALITIES = """
SELECT l.locality_name AS locality, l.country_code AS country, count(DISTINCT a.activity_id) AS activities,
       count(DISTINCT a.institution_id) AS institutions
FROM a JOIN activity_localities l USING (activity_id)
GROUP BY ALL ORDER BY activities DESC, locality LIMIT 20
"""
NETWORK_EDGES = """
SELECT i.name AS institution, l.locality_name AS locality, l.country_code AS country,
       count(DISTINCT a.activity_id) AS activities
FROM a JOIN activity_localities l USING (activity_id)
JOIN i USING (institution_id)
GROUP BY ALL ORDER BY activities DESC, institution, locality LIMIT ?
"""

# Drill-down: activities matching the chart selection, with their report's narrative for highlighting. The
# narratives are joined to the page of hits only (joining them before the LIMIT read every narrative).
_DRILL_MATCH = """
FROM a JOIN i USING (institution_id)
WHERE (?::VARCHAR IS NULL OR list_contains(a.countries, ?::VARCHAR))
  AND (?::INTEGER IS NULL OR a.report_year = ?::INTEGER)
  AND (?::VARCHAR IS NULL OR a.direction = ?::VARCHAR)
  AND (?::VARCHAR IS NULL OR a.kind = ?::VARCHAR)
  AND (?::VARCHAR IS NULL OR list_contains(a.theme, ?::VARCHAR))
  AND (?::VARCHAR IS NULL OR a.activity_id IN (
        SELECT activity_id FROM activity_localities WHERE locality_name = ?::VARCHAR))
  AND (?::VARCHAR IS NULL OR i.name = ?::VARCHAR)
"""
DRILL_ACTIVITIES = f"""
, hits AS (
    SELECT a.*, i.name AS institution {_DRILL_MATCH}
    ORDER BY a.report_year, i.name, a.activity_no
    LIMIT ?
)
SELECT h.activity_id, h.report_id, h.institution_id, h.institution, h.report_year AS year, h.month, h.kind,
       h.direction, array_to_string(h.countries, ',') AS countries, h.participants, h.person_times, h.batches,
       array_to_string(h.theme, ',') AS theme, h.evidence, h.span_start, h.span_end, t.narrative
FROM hits h LEFT JOIN report_texts t USING (report_id)
ORDER BY h.report_year, h.institution, h.activity_no
"""
DRILL_COUNT = f"SELECT count(*) AS n {_DRILL_MATCH}"

# The partner localities of the activities in scope with their counts (placed on the map by dashboard/geo.py).
MAP_LOCALITIES = """
SELECT l.locality_name AS locality, l.country_code AS country, count(DISTINCT a.activity_id) AS activities
FROM a JOIN activity_localities l USING (activity_id)
GROUP BY ALL ORDER BY activities DESC, locality
"""

# ---------------------------------------------------------------------------------------------------------
# 财务: year A vs year B (net assets are a balance: compared between two years, never summed across years)
# ---------------------------------------------------------------------------------------------------------

# Institutions with a current report in both years; change = B − A, percent = change / |A| (none when A = 0).
# `sort` is a whitelisted ORDER BY; the first `limit` rises and the first `limit` falls, and how many pairs.
NET_ASSETS_CHANGES = """
, pairs AS (
    SELECT b.institution_id, b.name AS 单位, b.province AS 省, b.city AS 市, b.kind AS 单位类别,
           a.net_assets_end_wan AS 期末净资产A, b.net_assets_end_wan AS 期末净资产B,
           b.net_assets_end_wan - a.net_assets_end_wan AS 变动,
           CASE WHEN a.net_assets_end_wan <> 0
                THEN 100 * (b.net_assets_end_wan - a.net_assets_end_wan) / abs(a.net_assets_end_wan) END
               AS "变动率%"
    FROM ft a JOIN ft b USING (institution_id)
    WHERE a.report_year = ? AND b.report_year = ?
      AND a.net_assets_end_wan IS NOT NULL AND b.net_assets_end_wan IS NOT NULL
),
ranked AS (
    SELECT *, row_number() OVER (ORDER BY {sort} DESC NULLS LAST, 单位) AS up,
           row_number() OVER (ORDER BY {sort} ASC NULLS LAST, 单位) AS down, count(*) OVER () AS total
    FROM pairs WHERE {sort} IS NOT NULL AND {sort} <> 0
)
SELECT * EXCLUDE (up, down) FROM ranked WHERE up <= ? OR down <= ? ORDER BY {sort} DESC, 单位
"""
CHANGE_SORTS = {"变动": "变动", "变动率%": '"变动率%"'}

# ---------------------------------------------------------------------------------------------------------
# 搜索: every term (AND) in one section of a current report; DuckDB's fts extension is not available for this
# DuckDB release offline, and its tokenizer splits on spaces, which Chinese text has none of. `contains` is
# a plain substring scan (≈ 0.2 s over 100k reports' sections, bench/pages.py).
# ---------------------------------------------------------------------------------------------------------

SEARCH_TEXT = """
, hits AS (
    SELECT s.report_id, s.section_no, s.section_name, s.text, s.start_offset, fr.name, fr.report_year,
           fr.institution_id
    FROM report_sections s JOIN fr USING (report_id)
    WHERE {where}
)
SELECT *, count(*) OVER () AS total, count(DISTINCT report_id) OVER () AS reports
FROM hits ORDER BY report_year DESC, name, report_id, section_no
LIMIT ?
"""

# ---------------------------------------------------------------------------------------------------------
# 报告
# ---------------------------------------------------------------------------------------------------------

REPORT_CHOICES = """
SELECT r.report_id, r.report_year, r.name, r.status, r.file_name
FROM reports r
WHERE r.institution_id IN (SELECT institution_id FROM fr)
  AND (? = '' OR r.name ILIKE '%' || ? || '%' OR r.uscc ILIKE '%' || ? || '%')
ORDER BY r.name, r.report_year DESC, r.status LIMIT 500
"""
REPORT = """
SELECT r.*, f.startup_capital_wan, f.net_assets_begin_wan, f.net_assets_end_wan, f.net_assets_change_wan,
       f.headcount
FROM reports r LEFT JOIN finances f USING (report_id) WHERE r.report_id = ?
"""
REPORT_TEXT = "SELECT narrative FROM report_texts WHERE report_id = ?"
REPORT_SECTIONS = """
SELECT section_no, section_name, start_offset,
       end_offset FROM report_sections WHERE report_id = ? ORDER BY section_no
"""
REPORT_PROBLEMS = """
SELECT field AS 字段, severity AS 级别,
       message AS 说明 FROM report_problems WHERE report_id = ? ORDER BY problem_no
"""
REPORT_CHANGES = """
SELECT change_date AS 日期, what AS 事项 FROM registration_changes WHERE report_id = ? ORDER BY change_no
"""
REPORT_ACTIVITIES = """
SELECT activity_id, activity_no, kind, direction, month, array_to_string(countries, ',') AS countries,
       participants, person_times, batches, array_to_string(theme, ',') AS theme, evidence,
       span_start, span_end
FROM exchange_activities WHERE report_id = ? ORDER BY activity_no
"""

# ---------------------------------------------------------------------------------------------------------
# 数据质量
# ---------------------------------------------------------------------------------------------------------

# Files that are not reports at all (a gold JSON, a manifest CSV, an image next to the reports) are counted
# apart as `ignored`, not as quarantined broken reports: the warehouse may record them as quarantined (they
# were tried), but only a file in a report format (or without an extension, sniffed by content) can be a
# broken report. A warehouse that records `ignored` itself is read as it is.
REPORT_FILE = r"(\.(txt|text|htm|html|xhtml|pdf|docx|doc)$)|(^[^.]+$)"
_OUTCOME = f"""CASE WHEN outcome = 'quarantined' AND NOT regexp_matches(lower(file_name), '{REPORT_FILE}')
     THEN 'ignored' ELSE outcome END"""
FILE_OUTCOMES = f"""
SELECT {_OUTCOME} AS outcome, coalesce(reason, '') AS reason, count(*) AS files
FROM ingest_files GROUP BY ALL ORDER BY outcome, files DESC
"""
# The latest result of every asset check (the same rows Dagster shows), and the rows failing them.
QUALITY_CHECKS = """
SELECT check_name, asset AS 资产, passed, severity, metric AS 指标值, threshold AS 阈值,
       checked_count AS 检查行数, failing_count AS 未通过行数, description AS 说明, checked_at AS 检查时间
FROM quality_summary ORDER BY passed, check_name
"""
QUALITY_ISSUES = """
SELECT q.check_name, r.name AS 单位, q.report_year AS 年度, q.detail AS 说明, q.institution_id, q.report_id
FROM data_quality_issues q LEFT JOIN reports r USING (report_id)
ORDER BY q.check_name, r.name, q.report_year LIMIT 2000
"""
QUALITY_HISTORY = """
SELECT checked_at AS 检查时间, check_name, passed, metric AS 指标值, failing_count AS 未通过行数,
       checked_count AS 检查行数, run_id AS 运行标识
FROM data_quality ORDER BY checked_at DESC, check_name LIMIT 500
"""
QUARANTINE = f"""
SELECT file_name AS 文件, reason AS 原因, detail AS 详情, first_seen_at AS 首次发现, path AS 路径
FROM quarantine WHERE regexp_matches(lower(file_name), '{REPORT_FILE}')
ORDER BY first_seen_at DESC, path LIMIT 1000
"""
NON_LOADED_FILES = f"""
SELECT file_name AS 文件, {_OUTCOME} AS 结果, reason AS 原因, detail AS 详情, duplicate_of AS 重复于,
       superseded_by AS 被替代于, outcome_at AS 时间, path AS 路径
FROM ingest_files WHERE outcome <> 'loaded' ORDER BY outcome_at DESC, path LIMIT 1000
"""
# Continuity breaks as the warehouse's own check recorded them (net_assets_continuity rows), with the figures.
CONTINUITY_BREAKS = """
SELECT t.name AS 单位, q.report_year AS 年度, t.prev_net_assets_end_wan AS 上年期末净资产,
       t.net_assets_begin_wan AS 本年年初净资产, t.continuity_gap_wan AS 差额, q.detail AS 说明,
       q.institution_id, q.report_id
FROM data_quality_issues q JOIN fr USING (report_id) LEFT JOIN finance_trends t USING (report_id)
WHERE q.check_name = 'net_assets_continuity'
ORDER BY abs(t.continuity_gap_wan) DESC NULLS LAST, t.name LIMIT 1000
"""
INGEST_RUNS = """
SELECT run_id AS 运行标识, warehouse_version AS 版本, started_at AS 开始, finished_at AS 结束,
       files_new AS 新文件, loaded AS 入库, duplicate AS 重复, superseded AS 被替代, quarantined AS 隔离
FROM ingest_runs ORDER BY warehouse_version DESC LIMIT 50
"""

# ---------------------------------------------------------------------------------------------------------
# SQL console: the schema with its comments
# ---------------------------------------------------------------------------------------------------------

SCHEMA = """
SELECT c.table_name, coalesce(v.comment, t.comment) AS table_comment, c.column_name, c.data_type,
       c.comment AS column_comment
FROM duckdb_columns() c
LEFT JOIN duckdb_views() v
  ON v.database_name = c.database_name AND v.schema_name = c.schema_name AND v.view_name = c.table_name
LEFT JOIN duckdb_tables() t
  ON t.database_name = c.database_name AND t.schema_name = c.schema_name AND t.table_name = c.table_name
WHERE c.schema_name = 'main' AND c.database_name = current_database()
ORDER BY c.table_name, c.column_index
"""


# ---------------------------------------------------------------------------------------------------------
# Functions the pages call
# ---------------------------------------------------------------------------------------------------------


def filter_options() -> pd.DataFrame:
    return fetch(FILTER_OPTIONS)


def year_range() -> tuple[int, int] | None:
    row = fetch(YEAR_RANGE).iloc[0]
    if pd.isna(row["lo"]):
        return None
    return int(row["lo"]), int(row["hi"])


def overview_row() -> dict:
    df = fetch(OVERVIEW_ROW)
    return df.iloc[0].to_dict() if len(df) else {}


def overview_counts(f: Filters) -> dict:
    return scoped(f, OVERVIEW_COUNTS).iloc[0].to_dict()


def yearly_trends(f: Filters) -> pd.DataFrame:
    return scoped(f, YEARLY_TRENDS)


def search_institutions(f: Filters, text: str) -> pd.DataFrame:
    params: list = [text] * 4
    where = institution_where(f, params)
    return fetch(SEARCH_INSTITUTIONS + where + SEARCH_ORDER, params)


def institution(institution_id: str) -> dict | None:
    df = fetch(INSTITUTION, [institution_id])
    return df.iloc[0].to_dict() if len(df) else None


def institution_history(institution_id: str) -> pd.DataFrame:
    return fetch(INSTITUTION_HISTORY, [institution_id])


def institution_finances(institution_id: str) -> pd.DataFrame:
    return fetch(INSTITUTION_FINANCES, [institution_id])


def institution_activities(institution_id: str) -> pd.DataFrame:
    return fetch(INSTITUTION_ACTIVITIES, [institution_id])


def compare_finances(institution_ids: list[str]) -> pd.DataFrame:
    return fetch(COMPARE_FINANCES, [list(institution_ids)])


def finance_options() -> pd.DataFrame:
    return fetch(FINANCE_OPTIONS)


def _finance(
    f: Filters, sponsors: tuple[str, ...], categories: tuple[str, ...], body: str, params: tuple | list = ()
) -> tuple[str, list]:
    """Scope + `ft` CTE + `body`, and the parameters in their order."""
    head, scope_params = scope(f)
    ft_params: list = []
    where = ""
    if f.years:
        where += " AND t.report_year BETWEEN ? AND ?"
        ft_params.extend(f.years)
    where += institution_where(f, ft_params)
    where += _in("t.sponsor", sponsors, ft_params) + _in("t.funding_source_category", categories, ft_params)
    return head + FINANCE_SCOPE.format(where=where) + body, [*scope_params, *ft_params, *params]


def _metric_column(metric: str) -> str:
    if metric not in FINANCE_METRICS:
        raise ValueError(f"unknown finance measure {metric!r}")
    return FINANCE_METRICS[metric]


def finance_yearly(
    f: Filters, sponsors: tuple[str, ...] = (), categories: tuple[str, ...] = ()
) -> pd.DataFrame:
    """One row per year plus the all-years row (总计 = 1, 年度 NULL), always present."""
    return fetch(*_finance(f, sponsors, categories, FINANCE_YEARLY))


def finance_distribution(
    f: Filters, sponsors: tuple[str, ...] = (), categories: tuple[str, ...] = (), metric: str = "期末净资产"
) -> pd.DataFrame:
    column = _metric_column(metric)
    return fetch(*_finance(f, sponsors, categories, FINANCE_DISTRIBUTION.format(column=column)))


def _capped(df: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    total = int(df["total"].iloc[0]) if len(df) else 0
    return df.drop(columns="total"), total


def finance_outliers(
    f: Filters,
    sponsors: tuple[str, ...] = (),
    categories: tuple[str, ...] = (),
    metric: str = "期末净资产",
    limit: int = 1000,
) -> tuple[pd.DataFrame, int]:
    """The first `limit` far-out values of `metric` and how many there are in all."""
    body = FINANCE_OUTLIERS.format(column=_metric_column(metric), metric=metric)
    return _capped(fetch(*_finance(f, sponsors, categories, body, [limit])))


def finance_breaks(
    f: Filters, sponsors: tuple[str, ...] = (), categories: tuple[str, ...] = (), limit: int = 1000
) -> tuple[pd.DataFrame, int]:
    """The first `limit` continuity breaks and how many there are in all."""
    return _capped(fetch(*_finance(f, sponsors, categories, FINANCE_BREAKS, [limit])))


def finance_page(
    f: Filters,
    sponsors: tuple[str, ...] = (),
    categories: tuple[str, ...] = (),
    page: int = 0,
    page_size: int = 500,
) -> pd.DataFrame:
    """One page of the finance rows (ordered by year, institution)."""
    return fetch(*_finance(f, sponsors, categories, FINANCE_PAGE, [page_size, page * page_size]))


def finance_rows_csv(f: Filters, sponsors: tuple[str, ...] = (), categories: tuple[str, ...] = ()) -> bytes:
    """Every finance row as CSV, not cached: only for the download button, which runs it when clicked."""
    sql, params = _finance(f, sponsors, categories, FINANCE_ROWS)
    if INSTITUTIONS_K in sql and not int(db.fetch(HAS_KIND).iloc[0]["n"]):
        sql = sql.replace(INSTITUTIONS_K, INSTITUTIONS_NO_KIND)
    return db.fetch_csv(sql, params)


def exchange_totals(f: Filters) -> dict:
    return scoped(f, EXCHANGE_TOTALS).iloc[0].to_dict()


def country_year(f: Filters) -> pd.DataFrame:
    return scoped(f, COUNTRY_YEAR)


def direction_year(f: Filters) -> pd.DataFrame:
    return scoped(f, DIRECTION_YEAR)


def kind_year(f: Filters) -> pd.DataFrame:
    return scoped(f, KIND_YEAR)


def themes(f: Filters) -> pd.DataFrame:
    return scoped(f, THEMES)


def top_localities(f: Filters) -> pd.DataFrame:
    return scoped(f, TOP_LOCALITIES)


def network_edges(f: Filters, limit: int = 60) -> pd.DataFrame:
    return scoped(f, NETWORK_EDGES, [limit])


DRILL_KEYS = ("country", "year", "direction", "kind", "theme", "locality", "institution")


def _drill_params(drill: dict) -> list:
    params: list = []
    for key in DRILL_KEYS:
        value = drill.get(key)
        if key == "year" and value is not None:
            value = int(value)
        params.extend([value, value])
    return params


def drill_activities(f: Filters, drill: dict, limit: int = 50) -> tuple[pd.DataFrame, int]:
    """Activities matching `drill` (keys from DRILL_KEYS, None = any) and how many there are in all."""
    params = _drill_params(drill)
    rows = scoped(f, DRILL_ACTIVITIES, [*params, limit])
    total = int(scoped(f, DRILL_COUNT, params).iloc[0]["n"])
    return rows, total


def map_localities(f: Filters) -> pd.DataFrame:
    return scoped(f, MAP_LOCALITIES)


def net_assets_changes(
    f: Filters,
    year_a: int,
    year_b: int,
    sponsors: tuple[str, ...] = (),
    categories: tuple[str, ...] = (),
    by: str = "变动",
    limit: int = 15,
) -> tuple[pd.DataFrame, int]:
    """The `limit` largest rises and falls of year-end net assets from `year_a` to `year_b` (`by` 变动 in 万元
    or 变动率% in percent) and how many institutions reported both years with a change."""
    body = NET_ASSETS_CHANGES.format(sort=CHANGE_SORTS[by])
    # year A and B come from the global year filter's range or the page's own selector: widen `fr` to both
    wide = Filters(years=None, provinces=f.provinces, cities=f.cities, kinds=f.kinds)
    return _capped(fetch(*_finance(wide, sponsors, categories, body, [year_a, year_b, limit, limit])))


def search_terms(text: str) -> tuple[str, ...]:
    """`友好城市 日本` → ("友好城市", "日本"): terms split on spaces, each required, repeats dropped."""
    return tuple(dict.fromkeys(t for t in text.split() if t))[:8]


def search_text(f: Filters, terms: tuple[str, ...], limit: int = 50) -> tuple[pd.DataFrame, int, int]:
    """Sections of current reports containing every term: the first `limit` (newest year first), how many
    sections and how many reports match in all."""
    if not terms:
        return pd.DataFrame(), 0, 0
    where = " AND ".join("contains(s.text, ?)" for _ in terms)
    df = scoped(f, SEARCH_TEXT.format(where=where), [*terms, limit])
    if df.empty:
        return df, 0, 0
    return df.drop(columns=["total", "reports"]), int(df["total"].iloc[0]), int(df["reports"].iloc[0])


def report_choices(f: Filters, text: str) -> pd.DataFrame:
    return scoped(f, REPORT_CHOICES, [text, text, text])


def report(report_id: str) -> dict | None:
    df = fetch(REPORT, [report_id])
    return df.iloc[0].to_dict() if len(df) else None


def report_text(report_id: str) -> str:
    df = fetch(REPORT_TEXT, [report_id])
    return (df.iloc[0]["narrative"] or "") if len(df) else ""


def report_sections(report_id: str) -> pd.DataFrame:
    return fetch(REPORT_SECTIONS, [report_id])


def report_problems(report_id: str) -> pd.DataFrame:
    return fetch(REPORT_PROBLEMS, [report_id])


def report_changes(report_id: str) -> pd.DataFrame:
    return fetch(REPORT_CHANGES, [report_id])


def report_activities(report_id: str) -> pd.DataFrame:
    return fetch(REPORT_ACTIVITIES, [report_id])


def file_outcomes() -> pd.DataFrame:
    return fetch(FILE_OUTCOMES)


def quality_checks() -> pd.DataFrame:
    return fetch(QUALITY_CHECKS)


def quality_issues() -> pd.DataFrame:
    return fetch(QUALITY_ISSUES)


def quality_history() -> pd.DataFrame:
    return fetch(QUALITY_HISTORY)


def quarantine() -> pd.DataFrame:
    return fetch(QUARANTINE)


def non_loaded_files() -> pd.DataFrame:
    return fetch(NON_LOADED_FILES)


def continuity_breaks(f: Filters) -> pd.DataFrame:
    return scoped(f, CONTINUITY_BREAKS)


def ingest_runs() -> pd.DataFrame:
    return fetch(INGEST_RUNS)


def schema() -> pd.DataFrame:
    return fetch(SCHEMA)

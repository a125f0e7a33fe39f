-- Data-quality checks, computed inside the load transaction after marts.sql and stored in core.data_quality
-- (one row per check per load) and core.data_quality_issues (failing rows of the latest load). The Dagster
-- asset checks (checks.py) report these same rows. Variables: run_id, now.
-- Check names and assets must match checks.QUALITY_CHECKS.

DELETE FROM core.data_quality_issues;

-- USCC validity: share of current reports whose USCC is present and passes its checksum.
INSERT INTO core.data_quality_issues BY NAME
SELECT 'uscc_validity_rate' AS check_name, report_id, institution_id, report_year,
       CASE WHEN uscc IS NULL THEN '缺少信用代码 / USCC missing' ELSE '信用代码校验失败 / USCC invalid: ' || uscc END
           AS detail
FROM core.reports WHERE status = 'current' AND uscc_valid IS NOT TRUE;

-- Admin code vs address: USCC digits 3-8 (registration authority's division) against the address's code,
-- compared at province level and, when both name one, at city level.
INSERT INTO core.data_quality_issues BY NAME
SELECT 'admin_code_vs_address' AS check_name, report_id, institution_id, report_year,
       '信用代码区划 ' || substr(uscc, 3, 6) || ' 与住所区划 ' || address_code || ' 不一致 / USCC division differs from address' AS detail
FROM core.reports
WHERE status = 'current' AND uscc_valid AND address_code IS NOT NULL
  AND (substr(uscc, 3, 2) <> substr(address_code, 1, 2)
       OR (substr(uscc, 5, 2) <> '00' AND substr(address_code, 3, 2) <> '00'
           AND substr(uscc, 5, 2) <> substr(address_code, 3, 2)));

INSERT INTO core.data_quality_issues BY NAME
SELECT 'net_assets_continuity' AS check_name, report_id, institution_id, report_year,
       format('年初数 {:,.2f} 万元 ≠ 上年期末数 {:,.2f} 万元,差额 {:,.2f} 万元', net_assets_begin_wan,
              prev_net_assets_end_wan, continuity_gap_wan)
           || ' / begin differs from previous end by ' || format('{:,.2f}', continuity_gap_wan) AS detail
FROM marts.finance_trends WHERE continuity_break;

INSERT INTO core.data_quality_issues BY NAME
SELECT 'duplicate_reports' AS check_name, report_id, institution_id, report_year,
       '同一单位同一年度有多份当前报告 / more than one current report for the institution-year' AS detail
FROM core.reports
WHERE status = 'current'
QUALIFY count(*) OVER (PARTITION BY institution_id, report_year) > 1;

INSERT INTO core.data_quality_issues BY NAME
SELECT 'required_fields' AS check_name, r.report_id, r.institution_id, r.report_year,
       '缺少 / missing: ' || array_to_string(list_filter([
           CASE WHEN r.name IS NULL THEN 'name' END,
           CASE WHEN r.uscc IS NULL THEN 'uscc' END,
           CASE WHEN r.legal_representative IS NULL THEN 'legal_representative' END,
           CASE WHEN r.address IS NULL THEN 'address' END,
           CASE WHEN r.sponsor IS NULL THEN 'sponsor' END,
           CASE WHEN r.funding_source IS NULL THEN 'funding_source' END,
           CASE WHEN f.net_assets_begin_wan IS NULL THEN 'net_assets_begin_wan' END,
           CASE WHEN f.net_assets_end_wan IS NULL THEN 'net_assets_end_wan' END], lambda x: x IS NOT NULL), ', ') AS detail
FROM core.reports r LEFT JOIN core.finances f USING (report_id)
WHERE r.status = 'current'
  AND (r.name IS NULL OR r.uscc IS NULL OR r.legal_representative IS NULL OR r.address IS NULL
       OR r.sponsor IS NULL OR r.funding_source IS NULL OR f.net_assets_begin_wan IS NULL
       OR f.net_assets_end_wan IS NULL);

-- Activity evidence: the evidence sentence is the report text at its span (0-based, end exclusive).
INSERT INTO core.data_quality_issues BY NAME
SELECT 'activity_evidence' AS check_name, a.report_id, a.institution_id, a.report_year,
       a.activity_id || ': ' || CASE
           WHEN a.evidence IS NULL THEN '无依据 / no evidence'
           WHEN t.narrative IS NULL OR strpos(t.narrative, a.evidence) = 0 THEN '依据不在报告原文中 / evidence not in the report text'
           ELSE '依据与 span 不符 / span does not point at the evidence' END AS detail
FROM core.exchange_activities a LEFT JOIN core.report_texts t USING (report_id)
WHERE a.report_status = 'current'
  AND (a.evidence IS NULL OR t.narrative IS NULL
       OR substring(t.narrative, a.span_start + 1, a.span_end - a.span_start) IS DISTINCT FROM a.evidence);

INSERT INTO core.data_quality BY NAME
WITH counts AS (
    SELECT 'uscc_validity_rate' AS check_name, 'core/reports' AS asset, 'WARN' AS severity,
           (SELECT count(*) FROM core.reports WHERE status = 'current') AS checked_count, 0.9 AS threshold,
           true AS is_rate, '当前报告中信用代码存在且校验通过的比例 >= 阈值 / share of current reports with a valid USCC' AS description
    UNION ALL
    SELECT 'admin_code_vs_address', 'core/reports', 'WARN',
           (SELECT count(*) FROM core.reports WHERE status = 'current' AND uscc_valid AND address_code IS NOT NULL),
           0.95, true, '信用代码第3-8位与住所行政区划一致的比例 / share whose USCC division matches the address'
    UNION ALL
    SELECT 'net_assets_continuity', 'core/finances', 'WARN',
           (SELECT count(*) FROM marts.finance_trends WHERE continuity_break IS NOT NULL),
           0.95, true, '上年期末数与本年年初数一致(容差内)的比例 / share of consecutive years where begin = previous end'
    UNION ALL
    SELECT 'duplicate_reports', 'core/reports', 'ERROR',
           (SELECT count(*) FROM core.reports WHERE status = 'current'),
           0, false, '同一单位同一年度的当前报告多于一份的数目必须为 0 / current reports sharing an institution-year: must be 0'
    UNION ALL
    SELECT 'required_fields', 'core/reports', 'WARN',
           (SELECT count(*) FROM core.reports WHERE status = 'current'),
           0.9, true, '必填字段齐全的当前报告比例 / share of current reports with all required fields'
    UNION ALL
    SELECT 'activity_evidence', 'core/exchange_activities', 'ERROR',
           (SELECT count(*) FROM core.exchange_activities WHERE report_status = 'current'),
           1.0, true, '依据句等于报告原文 span 处文字的活动比例 / share of activities whose evidence is the report text at their span'
),
failing AS (SELECT check_name, count(*) AS failing_count FROM core.data_quality_issues GROUP BY check_name)
SELECT getvariable('run_id') AS run_id, getvariable('now') AS checked_at, c.check_name, c.asset,
       CASE WHEN c.is_rate THEN coalesce(1 - coalesce(f.failing_count, 0) / nullif(c.checked_count, 0), 1.0)
            ELSE coalesce(f.failing_count, 0) END AS metric,
       CASE WHEN c.is_rate THEN coalesce(1 - coalesce(f.failing_count, 0) / nullif(c.checked_count, 0), 1.0) >= c.threshold
            ELSE coalesce(f.failing_count, 0) <= c.threshold END AS passed,
       c.severity, c.threshold, c.checked_count, coalesce(f.failing_count, 0) AS failing_count, c.description
FROM counts c LEFT JOIN failing f USING (check_name);

DELETE FROM marts.quality_summary;
INSERT INTO marts.quality_summary BY NAME
SELECT check_name, asset, passed, severity, metric, threshold, checked_count, failing_count, description,
       checked_at, run_id
FROM core.data_quality
QUALIFY row_number() OVER (PARTITION BY check_name ORDER BY checked_at DESC, run_id DESC) = 1;

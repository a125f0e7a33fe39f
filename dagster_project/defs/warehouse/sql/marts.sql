-- Marts the dashboard reads, rebuilt by every load inside the load transaction (tables declared and
-- commented in sql/schema.sql). Current reports only. Variables: now, warehouse_version.

-- Continuity: 年初数 of year N+1 should equal 期末数 of year N. Tolerance: 0.01 万元 + 0.5 % of the larger value.
DELETE FROM marts.finance_trends;
INSERT INTO marts.finance_trends BY NAME
WITH cur AS (
    SELECT f.institution_id, f.report_year, f.report_id, r.name, r.province, r.city, r.sponsor,
           r.funding_source_category, f.startup_capital_wan, f.net_assets_begin_wan, f.net_assets_end_wan,
           f.net_assets_change_wan, f.headcount,
           lag(f.report_year) OVER w AS prev_year, lag(f.net_assets_end_wan) OVER w AS prev_end
    FROM core.finances f JOIN core.reports r USING (report_id)
    WHERE f.report_status = 'current'
    WINDOW w AS (PARTITION BY f.institution_id ORDER BY f.report_year)
)
SELECT * EXCLUDE (prev_year, prev_end),
       CASE WHEN prev_year = report_year - 1 THEN prev_end END AS prev_net_assets_end_wan,
       CASE WHEN prev_year = report_year - 1 THEN round(net_assets_begin_wan - prev_end, 6) END
           AS continuity_gap_wan,
       CASE WHEN prev_year = report_year - 1 AND net_assets_begin_wan IS NOT NULL AND prev_end IS NOT NULL
            THEN abs(net_assets_begin_wan - prev_end)
                 > 0.01 + 0.005 * greatest(abs(net_assets_begin_wan), abs(prev_end))
       END AS continuity_break
FROM cur;

DELETE FROM marts.finance_yearly;
INSERT INTO marts.finance_yearly BY NAME
SELECT report_year, count(*) AS reports, count(DISTINCT institution_id) AS institutions,
       sum(net_assets_begin_wan) AS net_assets_begin_total_wan, sum(net_assets_end_wan) AS net_assets_end_total_wan,
       median(net_assets_end_wan) AS net_assets_end_median_wan, sum(startup_capital_wan) AS startup_capital_total_wan,
       sum(headcount) AS headcount_total, count(*) FILTER (WHERE continuity_break) AS continuity_breaks
FROM marts.finance_trends
GROUP BY report_year;

DELETE FROM marts.activities_by_country_year;
INSERT INTO marts.activities_by_country_year BY NAME
SELECT c.country_code, a.report_year, a.direction, a.kind, count(*) AS activities,
       count(DISTINCT a.institution_id) AS institutions, sum(a.participants) AS participants,
       sum(a.person_times) AS person_times
FROM core.activity_countries c
JOIN core.exchange_activities a USING (activity_id)
WHERE a.report_status = 'current'
GROUP BY ALL;

DELETE FROM marts.top_partner_localities;
INSERT INTO marts.top_partner_localities BY NAME
SELECT row_number() OVER (ORDER BY activity_count DESC, institution_count DESC, locality_id) AS rank,
       locality_id, name, country_code, activity_count AS activities, institution_count AS institutions,
       first_year, last_year
FROM core.partner_localities;

DELETE FROM marts.file_outcomes;
INSERT INTO marts.file_outcomes BY NAME
SELECT outcome, reason, count(*) AS files FROM core.ingest_files GROUP BY ALL;

DELETE FROM marts.overview;
INSERT INTO marts.overview BY NAME
SELECT (SELECT count(*) FROM core.institutions) AS institutions,
       (SELECT count(*) FROM core.reports WHERE status = 'current') AS reports,
       (SELECT count(*) FROM core.reports WHERE status = 'superseded') AS superseded_reports,
       (SELECT min(report_year) FROM core.reports WHERE status = 'current') AS first_year,
       (SELECT max(report_year) FROM core.reports WHERE status = 'current') AS last_year,
       (SELECT count(*) FROM core.exchange_activities WHERE report_status = 'current') AS activities,
       (SELECT count(DISTINCT c.country_code) FROM core.activity_countries c
          JOIN core.exchange_activities a USING (activity_id) WHERE a.report_status = 'current') AS countries,
       (SELECT count(*) FROM core.partner_localities) AS partner_localities,
       (SELECT count(*) FROM core.ingest_files) AS files_seen,
       (SELECT count(*) FROM core.ingest_files WHERE outcome = 'quarantined') AS files_quarantined,
       getvariable('warehouse_version') AS warehouse_version,
       getvariable('now') AS last_ingest_at;

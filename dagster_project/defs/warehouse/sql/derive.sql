-- Tables derived from core.reports / core.exchange_activities, recomputed in full by every load (inside the
-- load transaction; seconds at 100k reports). Only current reports count.

DELETE FROM core.institutions;
INSERT INTO core.institutions BY NAME
WITH cur AS (SELECT * FROM core.reports WHERE status = 'current'),
latest AS (
    SELECT * FROM cur
    QUALIFY row_number() OVER (
        PARTITION BY institution_id ORDER BY report_year DESC, report_date DESC NULLS LAST, report_id DESC
    ) = 1
),
agg AS (
    SELECT institution_id, min(report_year) AS first_year, max(report_year) AS last_year,
           count(*) AS report_count, list(DISTINCT name) FILTER (WHERE name IS NOT NULL) AS names
    FROM cur GROUP BY institution_id
)
SELECT l.institution_id,
       -- an institution keyed by a valid USCC has that USCC, also when its latest report misspelt it
       CASE WHEN l.institution_id LIKE 'X-%' THEN l.uscc ELSE l.institution_id END AS uscc,
       CASE WHEN l.institution_id LIKE 'X-%' THEN l.uscc_valid ELSE true END AS uscc_valid, l.name,
       list_sort(list_filter(a.names, lambda x: x IS DISTINCT FROM l.name)) AS former_names,
       l.legal_representative, l.address, l.province, l.city, l.district, l.admin_code, l.sponsor,
       l.funding_source, l.funding_source_category, l.purpose_scope, l.website_name,
       a.first_year, a.last_year, a.report_count, l.institution_kind AS kind
FROM latest l JOIN agg a USING (institution_id);

-- A new version whenever one of the registered attributes differs from the previous year's report.
DELETE FROM core.institution_history;
INSERT INTO core.institution_history BY NAME
WITH cur AS (
    SELECT institution_id, report_year, report_id, name, legal_representative, sponsor, address, funding_source,
           struct_pack(name, legal_representative, sponsor, address, funding_source) AS attrs
    FROM core.reports WHERE status = 'current'
),
marked AS (
    SELECT *,
           CASE WHEN lag(attrs) OVER w IS NOT DISTINCT FROM attrs THEN 0 ELSE 1 END AS starts_version
    FROM cur WINDOW w AS (PARTITION BY institution_id ORDER BY report_year)
),
numbered AS (
    SELECT *, sum(starts_version) OVER (
        PARTITION BY institution_id ORDER BY report_year ROWS UNBOUNDED PRECEDING
    ) AS version_no
    FROM marked
)
SELECT institution_id, version_no::INTEGER AS version_no, any_value(name) AS name,
       any_value(legal_representative) AS legal_representative, any_value(sponsor) AS sponsor,
       any_value(address) AS address, any_value(funding_source) AS funding_source,
       min(report_year) AS valid_from, max(report_year) AS valid_to,
       arg_min(report_id, report_year) AS first_report_id
FROM numbered
GROUP BY institution_id, version_no;

DELETE FROM core.partner_localities;
INSERT INTO core.partner_localities BY NAME
SELECT l.locality_id, any_value(l.locality_name) AS name, any_value(l.country_code) AS country_code,
       min(a.report_year) AS first_year, max(a.report_year) AS last_year,
       count(DISTINCT a.activity_id) AS activity_count, count(DISTINCT a.institution_id) AS institution_count
FROM core.activity_localities l
JOIN core.exchange_activities a USING (activity_id)
WHERE a.report_status = 'current'
GROUP BY l.locality_id;

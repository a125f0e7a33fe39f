-- Reports without a valid USCC (a typo, a zero-width space, none at all) whose institution name is the name of
-- exactly one institution with a valid USCC join that institution instead of a surrogate one (X-…) whose
-- year would then look missing. Whichever comes first: a report of this batch joins an institution already
-- loaded or in this batch, and a report loaded earlier joins an institution that arrives now, so the result
-- does not depend on the order of the files. The USCC as written is kept (validated, never corrected); a
-- warning problem says what was done; report ids follow the institution (<year>_<institution_id>_<sha12>).
-- Runs inside the load transaction, before load.sql.

CREATE OR REPLACE TEMP TABLE rejoined AS
WITH valid_names AS (
    SELECT name, institution_id FROM core.reports WHERE uscc_valid AND name IS NOT NULL
    UNION
    SELECT name, institution_id FROM staging.reports WHERE uscc_valid AND name IS NOT NULL
),
unique_names AS (
    SELECT name, min(institution_id) AS institution_id
    FROM valid_names GROUP BY name HAVING count(DISTINCT institution_id) = 1
),
surrogates AS (
    SELECT report_id, report_year, sha256, name, uscc FROM staging.reports WHERE institution_id LIKE 'X-%'
    UNION ALL
    SELECT report_id, report_year, sha256, name, uscc FROM core.reports WHERE institution_id LIKE 'X-%'
)
SELECT r.report_id AS old_id,
       r.report_year || '_' || u.institution_id || '_' || left(r.sha256, 12) AS new_id,
       u.institution_id,
       '统一社会信用代码' || CASE WHEN r.uscc IS NULL THEN '缺失' ELSE '无效(' || r.uscc || ')' END
           || ',按单位名称归入唯一同名单位 ' || u.institution_id || ' / '
           || CASE WHEN r.uscc IS NULL THEN 'no USCC' ELSE 'invalid USCC ' || r.uscc END
           || ': joined ' || u.institution_id || ', the only institution named ' || r.name
           || ' with a valid USCC' AS message
FROM surrogates r
JOIN unique_names u ON u.name = r.name;

-- staging: the batch being loaded
UPDATE staging.files f SET report_id = j.new_id, institution_id = j.institution_id
FROM rejoined j WHERE f.report_id = j.old_id;
UPDATE staging.reports r
SET report_id = j.new_id, institution_id = j.institution_id, problem_count = r.problem_count + 1
FROM rejoined j WHERE r.report_id = j.old_id;
UPDATE staging.finances f SET report_id = j.new_id, institution_id = j.institution_id
FROM rejoined j WHERE f.report_id = j.old_id;
UPDATE staging.exchange_activities a
SET activity_id = j.new_id || a.activity_id[length(j.old_id) + 1:], report_id = j.new_id,
    institution_id = j.institution_id
FROM rejoined j WHERE a.report_id = j.old_id;
UPDATE staging.activity_countries c SET activity_id = j.new_id || c.activity_id[length(j.old_id) + 1:]
FROM rejoined j WHERE starts_with(c.activity_id, j.old_id || '_');
UPDATE staging.activity_localities l SET activity_id = j.new_id || l.activity_id[length(j.old_id) + 1:]
FROM rejoined j WHERE starts_with(l.activity_id, j.old_id || '_');
UPDATE staging.report_sections t SET report_id = j.new_id FROM rejoined j WHERE t.report_id = j.old_id;
UPDATE staging.report_texts t SET report_id = j.new_id FROM rejoined j WHERE t.report_id = j.old_id;
UPDATE staging.registration_changes t SET report_id = j.new_id FROM rejoined j WHERE t.report_id = j.old_id;
UPDATE staging.report_problems t SET report_id = j.new_id FROM rejoined j WHERE t.report_id = j.old_id;
INSERT INTO staging.report_problems BY NAME
SELECT j.new_id AS report_id,
       (coalesce((SELECT max(p.problem_no) FROM staging.report_problems p WHERE p.report_id = j.new_id), 0)
        + 1)::INTEGER AS problem_no,
       'institution.uscc' AS field, 'warning' AS severity, j.message
FROM rejoined j WHERE j.new_id IN (SELECT report_id FROM staging.reports);

-- core: reports loaded by earlier runs (their problem first, numbered after their own)
INSERT INTO core.report_problems BY NAME
SELECT j.new_id AS report_id,
       (coalesce((SELECT max(p.problem_no) FROM core.report_problems p WHERE p.report_id = j.old_id), 0)
        + 1)::INTEGER AS problem_no,
       'institution.uscc' AS field, 'warning' AS severity, j.message
FROM rejoined j WHERE j.old_id IN (SELECT report_id FROM core.reports);
UPDATE core.reports r
SET report_id = j.new_id, institution_id = j.institution_id, problem_count = r.problem_count + 1
FROM rejoined j WHERE r.report_id = j.old_id;
UPDATE core.reports r SET superseded_by = j.new_id FROM rejoined j WHERE r.superseded_by = j.old_id;
UPDATE core.finances f SET report_id = j.new_id, institution_id = j.institution_id
FROM rejoined j WHERE f.report_id = j.old_id;
UPDATE core.exchange_activities a
SET activity_id = j.new_id || a.activity_id[length(j.old_id) + 1:], report_id = j.new_id,
    institution_id = j.institution_id
FROM rejoined j WHERE a.report_id = j.old_id;
UPDATE core.activity_countries c SET activity_id = j.new_id || c.activity_id[length(j.old_id) + 1:]
FROM rejoined j WHERE starts_with(c.activity_id, j.old_id || '_');
UPDATE core.activity_localities l SET activity_id = j.new_id || l.activity_id[length(j.old_id) + 1:]
FROM rejoined j WHERE starts_with(l.activity_id, j.old_id || '_');
UPDATE core.report_sections t SET report_id = j.new_id FROM rejoined j WHERE t.report_id = j.old_id;
UPDATE core.report_texts t SET report_id = j.new_id FROM rejoined j WHERE t.report_id = j.old_id;
UPDATE core.registration_changes t SET report_id = j.new_id FROM rejoined j WHERE t.report_id = j.old_id;
UPDATE core.report_problems t SET report_id = j.new_id
FROM rejoined j WHERE t.report_id = j.old_id;
UPDATE core.ingest_files i SET report_id = j.new_id FROM rejoined j WHERE i.report_id = j.old_id;
UPDATE core.ingest_files i SET superseded_by = j.new_id FROM rejoined j WHERE i.superseded_by = j.old_id;

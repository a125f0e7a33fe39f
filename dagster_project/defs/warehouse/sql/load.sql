-- Merge the staging batch into core. Runs inside the load transaction (loader.load_batch), after the staging
-- tables were filled from the parse step's Parquet. Variables: run_id, now (TIMESTAMP), quarantine_dir.
--
-- Every staging.files row ends with exactly one outcome:
--   quarantined  parse_status unreadable / invalid / error / vanished (reason kept), or same bytes as a
--                quarantined file
--   ignored      not a report format at all (a spreadsheet, an image, ...): reason not_a_report
--   duplicate    same bytes as a file already seen (same_sha256) or the same record as an existing report
--                (same_content: e.g. the same report as .txt and .html)
--   loaded       the current report of its institution-year
--   superseded   an institution-year has another report with a later report_date (then later file mtime,
--                then larger file name / path); the older one stays in core.reports with status superseded

-- 0. A path recorded with a placeholder key (it could not be read: no permission, a folder that could not be
--    listed) that has been read now: the placeholder row goes; the path's real outcome is in this batch.
DELETE FROM core.quarantine q USING staging.files f
WHERE f.parse_status = 'resolved' AND q.path = f.path AND q.sha256 = f.sha256;
DELETE FROM core.ingest_files i USING staging.files f
WHERE f.parse_status = 'resolved' AND i.path = f.path AND i.sha256 = f.sha256;
CREATE OR REPLACE TEMP TABLE resolved AS SELECT path FROM staging.files WHERE parse_status = 'resolved';
DELETE FROM staging.files WHERE parse_status = 'resolved';

-- Another run may have recorded some of these files since discovery: they are not ours any more.
DELETE FROM staging.files f
WHERE EXISTS (SELECT 1 FROM core.ingest_files i WHERE i.path = f.path AND i.sha256 = f.sha256);
DELETE FROM staging.reports r
WHERE NOT EXISTS (
    SELECT 1 FROM staging.files f WHERE f.parse_status = 'parsed' AND f.report_id = r.report_id
);

-- 1. Parsed files, numbered within equal content (the first by path is the original).
CREATE OR REPLACE TEMP TABLE parsed AS
SELECT f.path, f.sha256, f.content_key, r.report_id, r.institution_id, r.report_year, r.report_date,
       r.file_mtime, r.file_name, r.source_path,
       row_number() OVER (PARTITION BY f.content_key ORDER BY f.path) AS content_rank
FROM staging.files f
JOIN staging.reports r ON r.report_id = f.report_id
WHERE f.parse_status = 'parsed';

-- 2. Same record as an existing report, or as an earlier file of this batch.
CREATE OR REPLACE TEMP TABLE content_dup AS
SELECT p.path, p.sha256, p.report_id, coalesce(e.source_path, b.path) AS duplicate_of
FROM parsed p
LEFT JOIN (SELECT content_key, min(source_path) AS source_path FROM core.reports GROUP BY content_key) e
       ON e.content_key = p.content_key
LEFT JOIN parsed b ON b.content_key = p.content_key AND b.content_rank = 1
WHERE e.content_key IS NOT NULL OR p.content_rank > 1;

-- 3. Contenders per institution-year: the new reports and the current ones already loaded.
CREATE OR REPLACE TEMP TABLE contenders AS
SELECT p.report_id, p.institution_id, p.report_year, p.report_date, p.file_mtime, p.file_name, p.source_path,
       true AS is_new
FROM parsed p
WHERE p.report_id NOT IN (SELECT report_id FROM content_dup)
UNION ALL
SELECT c.report_id, c.institution_id, c.report_year, c.report_date, c.file_mtime, c.file_name, c.source_path,
       false AS is_new
FROM core.reports c
WHERE c.status = 'current'
  AND EXISTS (
      SELECT 1 FROM parsed p
      WHERE p.institution_id = c.institution_id AND p.report_year = c.report_year
        AND p.report_id NOT IN (SELECT report_id FROM content_dup)
  );

CREATE OR REPLACE TEMP TABLE ranked AS
SELECT *,
       row_number() OVER w AS rn,
       first_value(report_id) OVER w AS winner
FROM contenders
WINDOW w AS (
    PARTITION BY institution_id, report_year
    ORDER BY report_date DESC NULLS LAST, file_mtime DESC NULLS LAST, file_name DESC, source_path DESC
);

-- 4. The outcome of every file of the batch that was not a byte-copy.
CREATE OR REPLACE TEMP TABLE batch_outcome AS
SELECT f.path, f.sha256, 'quarantined' AS outcome, f.reason, f.detail, NULL::VARCHAR AS report_id,
       NULL::VARCHAR AS duplicate_of, NULL::VARCHAR AS superseded_by, f.quarantine_copy
FROM staging.files f
WHERE f.parse_status IN ('unreadable', 'invalid', 'error', 'vanished')
UNION ALL
SELECT f.path, f.sha256, 'ignored', f.reason, f.detail, NULL, NULL, NULL, NULL
FROM staging.files f
WHERE f.parse_status = 'ignored'
UNION ALL
SELECT d.path, d.sha256, 'duplicate', 'same_content',
       '与已有报告内容相同 / same report content as ' || d.duplicate_of, NULL, d.duplicate_of, NULL, NULL
FROM content_dup d
UNION ALL
SELECT p.path, p.sha256,
       CASE WHEN k.rn = 1 THEN 'loaded' ELSE 'superseded' END,
       CASE WHEN k.rn = 1 THEN NULL ELSE 'later_report' END,
       CASE WHEN k.rn = 1 THEN NULL ELSE '同一单位同一年度有更新的报告 / a later report of the same institution-year: ' || k.winner END,
       p.report_id, NULL, CASE WHEN k.rn > 1 THEN k.winner END, NULL
FROM parsed p
JOIN ranked k ON k.report_id = p.report_id AND k.is_new;

-- 5. Byte-copies of a file seen before (earlier run or this batch) take the original's fate.
INSERT INTO batch_outcome
WITH originals AS (
    SELECT sha256, path, outcome, reason, quarantine_copy
    FROM (
        SELECT i.sha256, i.path, i.outcome, i.reason, q.copy_path AS quarantine_copy
        FROM core.ingest_files i
        LEFT JOIN core.quarantine q ON q.path = i.path AND q.sha256 = i.sha256
        UNION ALL
        SELECT sha256, path, outcome, reason, quarantine_copy FROM batch_outcome
    )
    WHERE sha256 IN (SELECT sha256 FROM staging.files WHERE parse_status = 'same_sha')
    QUALIFY row_number() OVER (
        PARTITION BY sha256 ORDER BY CASE outcome WHEN 'quarantined' THEN 1 ELSE 0 END, path
    ) = 1
)
SELECT s.path, s.sha256,
       CASE WHEN o.outcome = 'quarantined' THEN 'quarantined' ELSE 'duplicate' END,
       CASE WHEN o.outcome = 'quarantined' THEN o.reason ELSE 'same_sha256' END,
       '与已有文件字节相同 / same bytes as ' || coalesce(o.path, s.same_sha_as),
       NULL, CASE WHEN o.outcome IS DISTINCT FROM 'quarantined' THEN coalesce(o.path, s.same_sha_as) END,
       NULL, o.quarantine_copy
FROM staging.files s
LEFT JOIN originals o ON o.sha256 = s.sha256
WHERE s.parse_status = 'same_sha';

-- 6. Earlier reports that lost their institution-year to a new one.
CREATE OR REPLACE TEMP TABLE newly_superseded AS
SELECT report_id, winner FROM ranked WHERE NOT is_new AND rn > 1;

UPDATE core.reports c SET status = 'superseded', superseded_by = n.winner
FROM newly_superseded n WHERE c.report_id = n.report_id;
UPDATE core.finances f SET report_status = 'superseded'
WHERE f.report_id IN (SELECT report_id FROM newly_superseded);
UPDATE core.exchange_activities a SET report_status = 'superseded'
WHERE a.report_id IN (SELECT report_id FROM newly_superseded);
UPDATE core.ingest_files i
SET outcome = 'superseded', reason = 'later_report', superseded_by = n.winner,
    detail = '同一单位同一年度有更新的报告 / a later report of the same institution-year: ' || n.winner,
    outcome_at = getvariable('now')
FROM newly_superseded n WHERE i.report_id = n.report_id;

-- 7. New reports (current or superseded) and everything that hangs off them.
CREATE OR REPLACE TEMP TABLE new_reports AS
SELECT k.report_id, CASE WHEN k.rn = 1 THEN 'current' ELSE 'superseded' END AS status,
       CASE WHEN k.rn > 1 THEN k.winner END AS superseded_by
FROM ranked k WHERE k.is_new;

INSERT INTO core.reports BY NAME
SELECT r.*, n.status, n.superseded_by, getvariable('now') AS loaded_at, getvariable('run_id') AS run_id
FROM staging.reports r JOIN new_reports n USING (report_id);

INSERT INTO core.finances BY NAME
SELECT f.*, n.status AS report_status FROM staging.finances f JOIN new_reports n USING (report_id);

INSERT INTO core.exchange_activities BY NAME
SELECT a.*, n.status AS report_status FROM staging.exchange_activities a JOIN new_reports n USING (report_id);

INSERT INTO core.activity_countries BY NAME
SELECT DISTINCT c.activity_id, c.country_code
FROM staging.activity_countries c
JOIN staging.exchange_activities a USING (activity_id)
WHERE a.report_id IN (SELECT report_id FROM new_reports) AND c.country_code IS NOT NULL;

INSERT INTO core.activity_localities BY NAME
SELECT l.activity_id, coalesce(l.country_code, '??') || ':' || l.locality_name AS locality_id,
       l.locality_name, l.country_code
FROM staging.activity_localities l
JOIN staging.exchange_activities a USING (activity_id)
WHERE a.report_id IN (SELECT report_id FROM new_reports);

INSERT INTO core.report_sections BY NAME
SELECT s.* FROM staging.report_sections s WHERE s.report_id IN (SELECT report_id FROM new_reports);
INSERT INTO core.report_texts BY NAME
SELECT t.* FROM staging.report_texts t WHERE t.report_id IN (SELECT report_id FROM new_reports);
INSERT INTO core.registration_changes BY NAME
SELECT c.* FROM staging.registration_changes c WHERE c.report_id IN (SELECT report_id FROM new_reports);
INSERT INTO core.report_problems BY NAME
SELECT p.* FROM staging.report_problems p WHERE p.report_id IN (SELECT report_id FROM new_reports);

-- 8. The files themselves.
INSERT INTO core.ingest_files BY NAME
SELECT f.path, f.sha256, f.file_name, f.size_bytes, f.mtime_ns, make_timestamp(f.mtime_ns // 1000) AS file_mtime,
       f.format, f.encoding, o.outcome, o.reason, coalesce(o.detail, f.detail) AS detail, o.report_id,
       o.duplicate_of, o.superseded_by, getvariable('now') AS first_seen_at, getvariable('now') AS outcome_at,
       getvariable('run_id') AS run_id
FROM staging.files f
JOIN batch_outcome o ON o.path = f.path AND o.sha256 = f.sha256;

INSERT INTO core.quarantine BY NAME
SELECT f.path, f.sha256, f.file_name, o.reason, coalesce(o.detail, f.detail) AS detail,
       o.quarantine_copy AS copy_path, getvariable('now') AS first_seen_at, getvariable('run_id') AS run_id
FROM staging.files f
JOIN batch_outcome o ON o.path = f.path AND o.sha256 = f.sha256
WHERE o.outcome = 'quarantined';

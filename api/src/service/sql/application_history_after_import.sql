-- After an mbo-applications import: a history row for every application of the run whose
-- status (or status date) differs from the last one in its history.
-- Parameters: at, source, the run (for its uploader), the run.
INSERT INTO application_status (application_id, status, status_date, at, source, subject)
SELECT a.id, a.status, a.status_date, ?, ?, (SELECT r.subject FROM import_run r WHERE r.id = ?)
FROM application a
LEFT JOIN (
  SELECT h.application_id AS application_id, h.status AS status, h.status_date AS status_date
  FROM application_status h
  JOIN (
    SELECT application_id, MAX(id) AS id FROM application_status GROUP BY application_id
  ) newest ON newest.id = h.id
) last ON last.application_id = a.id
WHERE a.import_run = ?
  AND (last.application_id IS NULL OR last.status <> a.status OR last.status_date <> a.status_date)

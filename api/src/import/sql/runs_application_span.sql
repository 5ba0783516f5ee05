-- The first and last application date of a run, whose school years are the cohorts it touched.
-- Parameter: the run.
SELECT MIN(applied_on) AS lo, MAX(applied_on) AS hi FROM application WHERE import_run = ?

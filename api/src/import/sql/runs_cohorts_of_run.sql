-- The cohorts of the pupil records a run wrote. Parameter: the run.
SELECT DISTINCT cohort FROM student WHERE import_run = ?

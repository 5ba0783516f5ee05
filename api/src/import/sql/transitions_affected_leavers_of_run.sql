-- Affected by a vo-leavers run: the leavers it wrote. Parameter: the run.
INSERT INTO import_affected SELECT id, cohort, region_id FROM student WHERE import_run = ?

-- Affected by `leerroute rebuild`: every leaver.
INSERT INTO import_affected SELECT id, cohort, region_id FROM student

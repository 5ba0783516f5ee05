-- Affected by an mbo-enrolments import: the leavers among the persons it listed.
INSERT INTO import_affected SELECT id, cohort, region_id FROM student
WHERE pseudonym IN (SELECT pseudonym FROM import_persons)

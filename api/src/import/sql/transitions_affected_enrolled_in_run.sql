-- Affected by an mbo-enrolments run: the leavers with an enrolment it wrote. Parameter: the run.
INSERT INTO import_affected SELECT id, cohort, region_id FROM student
WHERE pseudonym IN (SELECT pseudonym FROM enrolment WHERE import_run = ?)

-- One pipeline_application row per (record, mbo school applied to in its school year) with the
-- same figures over those applications only. Pieces: the measure columns, the flags, the
-- persons' filter on s.pseudonym (with its binds) or nothing.
INSERT INTO pipeline_application (student_id, mbo_school_id, {measures})
SELECT s.id, a.school_id, {per_application}
FROM student s JOIN pipeline_years y ON y.cohort = s.cohort
JOIN application a ON a.pseudonym = s.pseudonym AND a.applied_on >= y.first_day AND a.applied_on <= y.last_day
WHERE TRUE{only_s} GROUP BY s.id, a.school_id

-- One pipeline_pupil row per record: its 0/1 figures over the applications of its school year and
-- whether its person has an open signal. Grouped by the key alone, so SQLite aggregates in scan
-- order. Pieces: the measure columns, the applied flag, the other flags, the persons' filter on
-- s.pseudonym (with its binds) or nothing.
INSERT INTO pipeline_pupil (student_id, region_id, cohort, school_id, leerweg, leerlab_id, year,
  applied, {measures}, open_signal)
SELECT s.id, s.region_id, s.cohort, s.school_id, s.leerweg, s.leerlab_id, s.year,
  {applied}, {per_application},
  CASE WHEN EXISTS (SELECT 1 FROM signal g WHERE g.pseudonym = s.pseudonym AND g.status <> 'RESOLVED') THEN 1 ELSE 0 END
FROM student s JOIN pipeline_years y ON y.cohort = s.cohort
LEFT JOIN application a ON a.pseudonym = s.pseudonym AND a.applied_on >= y.first_day AND a.applied_on <= y.last_day
WHERE TRUE{only_s} GROUP BY s.id

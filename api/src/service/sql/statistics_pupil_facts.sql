-- One row per leaver with the counts it contributes and its record key under each, named as the
-- summary tables' columns. Pieces: the measure columns, a condition on s starting with AND or nothing.
SELECT s.region_id AS region_id, s.cohort AS cohort, s.school_id AS school_id,
  s.leerweg AS leerweg, s.profile AS profile, s.leerlab_id AS leerlab_id,
  t.school_id AS transition_school_id, t.crebo AS transition_crebo,
  t.level AS transition_level, {measures}
FROM student s LEFT JOIN transition t ON t.student_id = s.id
WHERE s.status = 'LEFT' {condition}

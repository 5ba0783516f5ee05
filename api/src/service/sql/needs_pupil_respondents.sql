-- One row per pupil with a self-evaluation: a respondent, counted once with their record key.
-- Piece: a condition on s starting with AND, or nothing.
SELECT s.region_id AS region_id, s.cohort AS cohort, s.school_id AS school_id,
  s.leerlab_id AS leerlab_id, CAST(NULL AS VARCHAR(32)) AS need, 1 AS pupils,
  s.record_key AS pupils_keys FROM student s
WHERE EXISTS (SELECT 1 FROM self_evaluation e WHERE e.student_id = s.id) {condition}

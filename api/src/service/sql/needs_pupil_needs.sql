-- One row per pupil and need they named, counted once with their record key.
-- Piece: a condition on s starting with AND, or nothing.
SELECT s.region_id AS region_id, s.cohort AS cohort, s.school_id AS school_id,
  s.leerlab_id AS leerlab_id, n.need AS need, 1 AS pupils, s.record_key AS pupils_keys
FROM (SELECT DISTINCT student_id, need FROM self_evaluation_need) n
JOIN student s ON s.id = n.student_id WHERE TRUE {condition}

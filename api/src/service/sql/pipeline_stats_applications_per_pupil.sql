-- Each record once, over its applications to the filtered mbo schools.
-- Pieces: the measures' maxima, a filter on the mbo schools (with its binds) or nothing.
(SELECT student_id, NULL AS mbo_school_id, {maxes} FROM pipeline_application{schools} GROUP BY student_id)

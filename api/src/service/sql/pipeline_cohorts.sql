-- The cohorts of the records being recomputed.
-- Piece: the persons' filter on pseudonym (with its binds) or nothing.
SELECT DISTINCT cohort FROM student WHERE TRUE{only}

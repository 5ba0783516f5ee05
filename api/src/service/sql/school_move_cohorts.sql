-- The cohorts of the moving schools' pupils, whose summary rows are refreshed.
-- Piece: one bind per school. Parameters: the schools.
SELECT DISTINCT cohort FROM student WHERE school_id IN ({list})

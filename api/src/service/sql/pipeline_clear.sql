-- Clears the summary rows of the records about to be recomputed.
-- Pieces: the summary table, the persons' filter on pseudonym (with its binds) or nothing.
DELETE FROM {table} WHERE student_id IN (SELECT id FROM student WHERE TRUE{only})

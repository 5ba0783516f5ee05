-- The cohorts that have rows in a summary table, so that those without leavers are cleared too.
-- Piece: the summary table.
SELECT DISTINCT cohort FROM {table}

-- The stored counts and key sums of every group of a statistics query. Pieces: the grouped
-- columns and sums, the source (a summary table or the facts), the filter (with its binds), the
-- GROUP BY clause or nothing.
SELECT {select} FROM {table} {where}{group_by}

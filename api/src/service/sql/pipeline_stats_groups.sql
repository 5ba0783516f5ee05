-- The live pipeline figures per group. Pieces: the key columns and sums, the source, its
-- conditions (with their binds), the GROUP BY clause or nothing.
SELECT {select} FROM {from} WHERE {conditions}{group_by}

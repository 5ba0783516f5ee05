-- The kept pipeline aggregates standing for the groups of a live query. Pieces: the key columns
-- and sums, the conditions (with their binds), the GROUP BY clause or nothing.
SELECT {select} FROM stats_purged_pipeline p WHERE {conditions}{group_by}

-- The highest version among the tombstones about to be pruned: clients behind it start again.
-- Parameter: the cutoff day.
SELECT COALESCE(MAX(version), 0) AS v
FROM change_entry WHERE (deleted = 1 OR moved = 1) AND deleted_on < ?

-- A dry run: how many rows of one kind a purge would delete. Pieces: the table, the kind's
-- condition, whose binds are all its bound value.
SELECT COUNT(*) AS n FROM {table} WHERE {condition}

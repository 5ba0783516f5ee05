-- The rows of a table that belong to the moving schools, for the change feed.
-- Pieces: the table, the school ids.
SELECT id FROM {table} WHERE school_id IN ({ids})

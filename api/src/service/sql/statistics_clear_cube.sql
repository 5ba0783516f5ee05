-- Clears the summary rows being recomputed. Pieces: the summary table, the condition (with its binds).
DELETE FROM {table} WHERE {condition}

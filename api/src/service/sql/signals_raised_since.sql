-- The signals raised by this evaluation. Parameter: the highest id before it.
SELECT id FROM signal WHERE id > ? ORDER BY id

-- One page of the signals raised by this evaluation. Parameters: the highest id before it (or
-- the last of the previous page), the page size.
SELECT id FROM signal WHERE id > ? ORDER BY id LIMIT ?

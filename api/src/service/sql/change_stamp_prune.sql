-- Prunes the tombstones (and region departures) from before the cutoff. Parameter: the cutoff day.
DELETE FROM change_entry WHERE (deleted = 1 OR moved = 1) AND deleted_on < ?

-- Remembers the day up to which date-made scope changes are recorded. Parameter: today.
UPDATE change_meta SET scope_checked_on = ? WHERE id = 1

-- The last day the scope changes that only the date makes were recorded.
SELECT scope_checked_on AS d FROM change_meta WHERE id = 1

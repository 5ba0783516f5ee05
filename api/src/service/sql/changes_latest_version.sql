-- The latest version recorded in the change feed.
SELECT COALESCE(MAX(version), 0) AS v FROM change_entry

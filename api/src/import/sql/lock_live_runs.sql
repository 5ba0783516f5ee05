-- The sessions of running imports, named by run in their application name (PostgreSQL).
-- Parameter: the name prefix with a trailing wildcard.
SELECT application_name FROM pg_stat_activity WHERE application_name LIKE ?

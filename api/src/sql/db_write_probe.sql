-- Probes whether SQLite may write: a delete that matches nothing still takes the write lock.
-- Parameter: a version no migration has.
DELETE FROM seaql_migrations WHERE version = ?

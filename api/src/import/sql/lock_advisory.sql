-- Waits for the advisory lock that serialises imports (PostgreSQL, bound natively). Parameter: the lock key.
SELECT pg_advisory_lock($1)

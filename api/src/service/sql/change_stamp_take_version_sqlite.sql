-- Takes the next feed version for this transaction's writes (SQLite).
UPDATE change_meta SET version = version + 1 WHERE id = 1

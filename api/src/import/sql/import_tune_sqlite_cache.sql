-- Keeps the import connection's page cache small (16 MB), so a large file costs disk, not memory.
PRAGMA cache_size = -16384

-- Keeps the import connection's cache of temporary tables small (16 MB) as well.
PRAGMA temp.cache_size = -16384

-- After a bulk write: copies the write-ahead log into the database file, so the .db alone holds the data.
PRAGMA wal_checkpoint(TRUNCATE)

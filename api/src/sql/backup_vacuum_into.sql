-- `leerroute backup`: a compacted copy of the SQLite database as of one read transaction.
-- Parameter: the file to write.
VACUUM INTO ?

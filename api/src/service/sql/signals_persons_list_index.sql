-- A list of persons (distinct pseudonyms) is looked up by person. Unique, so that SQLite reads
-- `IN (SELECT pseudonym FROM list)` through this index instead of copying the list into one of
-- its own for every statement (a million persons, seconds each). Piece: the list's table.
CREATE UNIQUE INDEX ix_{table}_pseudonym ON {table} (pseudonym)

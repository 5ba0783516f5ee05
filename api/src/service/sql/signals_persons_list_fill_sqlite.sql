-- Fills a list of persons on SQLite, each once, in order. Pieces: the list's table, the query of
-- its pseudonyms.
INSERT OR IGNORE INTO {table} SELECT pseudonym FROM ({select}) AS listed ORDER BY pseudonym

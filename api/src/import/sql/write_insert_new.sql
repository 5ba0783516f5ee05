-- Inserts the staged rows whose identity has no record yet, in identity order: the records'
-- unique index then grows at its end instead of at a random page per row (a million leavers
-- in file order took 4x as long, their random pseudonyms missing the page cache).
-- Pieces: target table, its columns, the staged columns, staging table, identity comparison,
-- the staged identity columns. Parameters: the run, the time.
INSERT INTO {table} ({columns}, import_run, updated_at) SELECT {staged}, ?, ? FROM {stage} st
WHERE NOT EXISTS (SELECT 1 FROM {table} t WHERE {same})
ORDER BY {identity}

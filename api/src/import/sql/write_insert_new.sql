-- Inserts the staged rows whose identity has no record yet.
-- Pieces: target table, its columns, the staged columns, staging table, identity comparison.
-- Parameters: the run, the time.
INSERT INTO {table} ({columns}, import_run, updated_at) SELECT {staged}, ?, ? FROM {stage} st
WHERE NOT EXISTS (SELECT 1 FROM {table} t WHERE {same})

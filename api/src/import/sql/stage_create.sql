-- The (empty) staging table of an import, one row per checked line of the file.
-- Pieces: the staging table, its columns with their types.
CREATE TEMPORARY TABLE {stage} (line BIGINT NOT NULL, {columns})

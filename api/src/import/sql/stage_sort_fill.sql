-- Copies the staged rows in identity order (SQLite): the records' unique index is in that
-- order, so the checks and the write that follow read it, and the records, in order too.
-- Pieces: the sorted table, the staging table, the identity columns.
INSERT INTO {sorted} SELECT * FROM {stage} ORDER BY {identity}

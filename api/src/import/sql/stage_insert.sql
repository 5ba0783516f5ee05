-- One batch of checked rows into the staging table. Pieces: the staging table, its columns,
-- one tuple of binds per row.
INSERT INTO {stage} ({columns}) VALUES {rows}

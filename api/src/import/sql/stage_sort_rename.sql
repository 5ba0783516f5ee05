-- The sorted copy takes the staging table's name. Pieces: the sorted table, the staging table.
ALTER TABLE {sorted} RENAME TO {stage}

-- Moves the rows of the moving schools in one table to the new region.
-- Pieces: the table, its school column, one bind per school. Parameters: the region, the schools.
UPDATE {table} SET region_id = ? WHERE {column} IN ({list})

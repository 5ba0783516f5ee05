-- Updates the stored records whose staged row differs in a compared column.
-- Pieces: target table, assignments, staging table, identity comparison, differences.
-- Parameters: the run, the time.
UPDATE {table} SET {set}, import_run = ?, updated_at = ? FROM {stage} st WHERE {same} AND ({changed})

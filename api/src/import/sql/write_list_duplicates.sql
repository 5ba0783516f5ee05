-- The first confirmed duplicates, each with its earlier line, for the row errors.
-- Pieces: the staging table, the identity comparison of the two lines, how many to list.
SELECT c.line AS line, c.first_line AS first_line
FROM import_duplicate c JOIN {stage} a ON a.line = c.line JOIN {stage} b ON b.line = c.first_line WHERE {same}
ORDER BY c.line LIMIT {limit}

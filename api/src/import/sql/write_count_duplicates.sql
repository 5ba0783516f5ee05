-- How many suspected duplicates really have the identity of their earlier line.
-- Pieces: the staging table, the identity comparison of the two lines.
SELECT COUNT(*) AS n
FROM import_duplicate c JOIN {stage} a ON a.line = c.line JOIN {stage} b ON b.line = c.first_line WHERE {same}

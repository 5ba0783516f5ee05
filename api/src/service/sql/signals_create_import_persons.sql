-- The persons of the records an import run wrote, listed once. Piece: the records' table.
-- Parameter: the run.
CREATE TEMPORARY TABLE import_persons AS
SELECT DISTINCT pseudonym FROM {table} WHERE import_run = ?

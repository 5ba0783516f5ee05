-- The persons of the records an import run wrote (a person may come more than once; the list
-- keeps each once). Piece: the records' table. Parameter: the run.
SELECT pseudonym FROM {table} WHERE import_run = ?

-- A list of persons on PostgreSQL, each once; indexed after it is filled. Pieces: the list's
-- table, the query of its pseudonyms.
CREATE TEMPORARY TABLE {table} AS SELECT DISTINCT pseudonym FROM ({select}) AS listed

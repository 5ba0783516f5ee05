-- A list of persons on SQLite: a table that is its own unique index, filled in person order.
-- Listing a million persons with CREATE TABLE AS SELECT DISTINCT and an index after took 7.6 s;
-- this takes 1.4 s. Piece: the list's table.
CREATE TEMPORARY TABLE {table} (pseudonym TEXT NOT NULL PRIMARY KEY) WITHOUT ROWID

-- A list of persons on PostgreSQL is looked up by person, and each person is in it once.
-- Piece: the list's table.
CREATE UNIQUE INDEX ix_{table}_pseudonym ON {table} (pseudonym)

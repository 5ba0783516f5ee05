-- The pseudonyms of a list of persons (a temporary table), as a subquery. Piece: the table.
SELECT pseudonym FROM {table}

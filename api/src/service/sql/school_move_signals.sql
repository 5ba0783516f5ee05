-- The signals of the moving schools' pupils, for the change feed. Piece: the pupils' persons.
SELECT id FROM signal WHERE pseudonym IN ({pupils})

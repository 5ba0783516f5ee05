-- The persons of the moving schools' pupils, for the change feed. Piece: the school ids.
SELECT pseudonym FROM student WHERE school_id IN ({ids})

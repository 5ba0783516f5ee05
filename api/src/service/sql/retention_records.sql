-- The records of the persons past their term. Piece: the persons query, binding the bound cohort.
SELECT id FROM student WHERE pseudonym IN ({PERSONS})

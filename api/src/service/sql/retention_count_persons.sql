-- How many persons a purge deletes. Piece: the persons query, binding the bound cohort.
SELECT COUNT(*) AS n FROM ({PERSONS}) p

-- The version of each of some records of one type. Parameters: the type, the ids.
-- Piece: one bind per id.
SELECT row_id, MAX(version) AS v FROM change_entry WHERE type = ? AND row_id IN ({ids})
GROUP BY row_id

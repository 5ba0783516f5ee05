-- Gives pupil records that share a stored key that key. Parameters: the key, the records.
-- Piece: one bind per record.
UPDATE student SET record_key = ? WHERE id IN ({ids})

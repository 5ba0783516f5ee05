-- Writes the computed transitions, updating a stored one only where a column differs.
-- Pieces: the columns, their assignments from excluded, the comparison of each.
INSERT INTO transition ({COLUMNS}) SELECT {COLUMNS} FROM import_transition WHERE TRUE
ON CONFLICT (student_id) DO UPDATE SET {set} WHERE {changed}

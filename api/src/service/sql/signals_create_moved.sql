-- The signals whose person has a later record than the one they point at, with that record.
-- Parameter: the highest signal id before this evaluation raised any (those it raised point at
-- the latest record already). Walks the persons in order (CROSS JOIN keeps it on SQLite).
CREATE TEMPORARY TABLE signal_moved AS
SELECT s.id AS id, l.student_id AS student_id FROM signal_latest l CROSS JOIN signal s
WHERE s.pseudonym = l.pseudonym AND s.student_id <> l.student_id AND s.id <= ?

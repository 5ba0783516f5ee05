-- Notes the signals whose person has a later record than the one they point at.
-- Piece: the persons' filter on signal.pseudonym (with its binds), or nothing.
INSERT INTO signal_changed (id) SELECT id FROM signal
WHERE EXISTS (SELECT 1 FROM signal_latest l WHERE l.pseudonym = signal.pseudonym
  AND l.student_id <> signal.student_id){only}

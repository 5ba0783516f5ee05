-- Points the noted signals at their person's latest record (a roster row of a later year, say).
UPDATE signal SET student_id = (SELECT l.student_id FROM signal_latest l WHERE l.pseudonym = signal.pseudonym)
WHERE id IN (SELECT id FROM signal_changed)
  AND EXISTS (SELECT 1 FROM signal_latest l WHERE l.pseudonym = signal.pseudonym AND l.student_id <> signal.student_id)

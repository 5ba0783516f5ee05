-- Points the moved signals at their person's latest record (a roster row of a later year, say).
UPDATE signal SET student_id = (SELECT m.student_id FROM signal_moved m WHERE m.id = signal.id)
WHERE id IN (SELECT id FROM signal_moved)

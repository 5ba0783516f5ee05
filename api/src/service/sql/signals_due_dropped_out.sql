-- DROPPED_OUT: an enrolment of the school year after leaving ended dropped_out within 365 days,
-- and no later enrolment has started. Driven from the dropped-out enrolments (a few percent of
-- them), in table order, rather than probing every person's enrolments: at a million persons
-- that was most of this statement's time. CROSS JOIN keeps that order on SQLite.
-- Piece: the persons' filter on e.pseudonym (binds first), or nothing. Parameters after those:
-- today, today.
INSERT INTO signal_due (pseudonym, kind, student_id)
SELECT DISTINCT l.pseudonym, 'DROPPED_OUT', l.student_id FROM enrolment e CROSS JOIN signal_latest l
WHERE l.pseudonym = e.pseudonym{only}
  AND e.status = 'dropped_out' AND e.status_days < 365 AND e.status_date <= ?
  AND l.status = 'LEFT' AND e.enrolled_on >= l.window_start AND e.enrolled_on <= l.window_end
  AND NOT EXISTS (SELECT 1 FROM enrolment n WHERE n.pseudonym = e.pseudonym
    AND n.enrolled_on > e.enrolled_on AND n.enrolled_on <= ?)

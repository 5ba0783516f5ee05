-- DROPPED_OUT: an enrolment of the school year after leaving ended dropped_out within 365 days,
-- and no later enrolment has started. Parameters: today, today.
INSERT INTO signal_due (pseudonym, kind, student_id)
SELECT l.pseudonym, 'DROPPED_OUT', l.student_id FROM signal_latest l
WHERE l.status = 'LEFT' AND EXISTS (SELECT 1 FROM enrolment e WHERE e.pseudonym = l.pseudonym
    AND e.enrolled_on >= l.window_start AND e.enrolled_on <= l.window_end
    AND e.status = 'dropped_out' AND e.status_days < 365 AND e.status_date <= ?
    AND NOT EXISTS (SELECT 1 FROM enrolment n WHERE n.pseudonym = e.pseudonym
      AND n.enrolled_on > e.enrolled_on AND n.enrolled_on <= ?))

-- NOT_STARTED: from 1 October of the year of leaving, offered or enrolled, yet no enrolment that
-- started between 1 August of that year and today. Parameters: the last cohort past 1 October, today.
INSERT INTO signal_due (pseudonym, kind, student_id)
SELECT l.pseudonym, 'NOT_STARTED', l.student_id FROM signal_latest l
WHERE l.status = 'LEFT' AND l.cohort <= ?
  AND EXISTS (SELECT 1 FROM application a WHERE a.pseudonym = l.pseudonym AND a.status IN ('offered', 'enrolled'))
  AND NOT EXISTS (SELECT 1 FROM enrolment e WHERE e.pseudonym = l.pseudonym
    AND e.enrolled_on >= l.window_start AND e.enrolled_on <= ?)

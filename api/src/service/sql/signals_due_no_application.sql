-- NO_APPLICATION: year 4, from 1 April of the school year's second calendar year, no application
-- at all. Parameter: the last cohort past 1 April.
INSERT INTO signal_due (pseudonym, kind, student_id)
SELECT l.pseudonym, 'NO_APPLICATION', l.student_id FROM signal_latest l
WHERE l.year = 4 AND l.cohort <= ?
  AND NOT EXISTS (SELECT 1 FROM application a WHERE a.pseudonym = l.pseudonym)

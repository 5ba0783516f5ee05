-- The records of persons who applied or enrolled at an mbo staff member's schools, whose feed
-- reaches them. Piece: the schools' ids.
SELECT s.id FROM student s
WHERE s.pseudonym IN (SELECT a.pseudonym FROM application a WHERE a.school_id IN ({list}))
   OR s.pseudonym IN (SELECT n.pseudonym FROM enrolment n WHERE n.school_id IN ({list}))

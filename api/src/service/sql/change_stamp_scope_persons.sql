-- The persons whose scope the days since the last check changed: an rmc scope ending 91 days
-- after a signal's resolution, a coach assignment starting or ending. Parameters: the first and
-- last day 91 days back, the first and last day, the days before those two. Piece: the closed
-- applications' union around 1 August, or nothing.
SELECT pseudonym FROM signal WHERE status = 'RESOLVED'
AND resolved_on >= ? AND resolved_on <= ?
UNION SELECT st.pseudonym FROM coach_assignment c JOIN student st ON st.id = c.student_id
WHERE (c.starts_on >= ? AND c.starts_on <= ?) OR (c.ends_on >= ? AND c.ends_on <= ?)
{closed}

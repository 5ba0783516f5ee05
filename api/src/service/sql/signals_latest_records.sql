-- Every person's latest record (highest school year, then id): the record a signal is about, in
-- person order, so that the statements that walk this table probe the other tables' person
-- indexes in order. Piece: the persons' filter on s.pseudonym (with its binds), or nothing.
CREATE TEMPORARY TABLE signal_latest AS
SELECT s.pseudonym AS pseudonym, s.id AS student_id, s.cohort AS cohort, s.year AS year,
  s.status AS status, s.window_start AS window_start, s.window_end AS window_end
FROM student s WHERE NOT EXISTS (
  SELECT 1 FROM student o
  WHERE o.pseudonym = s.pseudonym AND (o.cohort > s.cohort OR (o.cohort = s.cohort AND o.id > s.id))
){only}
ORDER BY s.pseudonym

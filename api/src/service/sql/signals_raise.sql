-- Raises a signal for every due pair with neither an unresolved nor a dormant one, in (person,
-- kind) order: the signal indexes then grow at their end (a million signals in random order
-- took three times as long), and later statements that walk persons in order find them in order.
-- Parameters: today, the time.
INSERT INTO signal (pseudonym, student_id, kind, status, raised_on, dormant, updated_at)
SELECT d.pseudonym, d.student_id, d.kind, 'OPEN', ?, FALSE, ? FROM signal_due d
WHERE NOT EXISTS (SELECT 1 FROM signal s WHERE s.pseudonym = d.pseudonym AND s.kind = d.kind
  AND (s.status <> 'RESOLVED' OR s.dormant))
ORDER BY d.pseudonym, d.kind

-- NO_ALTERNATIVE: 14 days after the latest refusal or withdrawal, no open application (one grouped
-- pass over the applications). Piece: the persons' filter on pseudonym (binds first), or nothing.
-- Parameter after those: the day 14 days ago.
INSERT INTO signal_due (pseudonym, kind, student_id)
SELECT l.pseudonym, 'NO_ALTERNATIVE', l.student_id
FROM signal_latest l JOIN (
  SELECT pseudonym,
    MAX(CASE WHEN status IN ('not_admitted', 'withdrawn') THEN status_date END) AS closed_on,
    MAX(CASE WHEN status IN ('received', 'intake_planned', 'offered', 'enrolled') THEN 1 ELSE 0 END) AS open
  FROM application WHERE TRUE{only} GROUP BY pseudonym
) a ON a.pseudonym = l.pseudonym
WHERE a.open = 0 AND a.closed_on <= ?

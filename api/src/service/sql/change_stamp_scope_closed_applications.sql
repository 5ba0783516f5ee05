-- Persons with applications closed before 1 August, out of mbo staff's reach from then on.
-- Parameter: 1 August. Piece: the open statuses, quoted.
UNION SELECT pseudonym FROM application WHERE status_date < ? AND status NOT IN ({open})

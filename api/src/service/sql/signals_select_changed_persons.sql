-- The persons whose signals an evaluation changed: the change feed bumps their records, and the
-- pipeline summary recomputes their rows (the open-signal figure).
SELECT s.pseudonym AS pseudonym FROM signal_changed c JOIN signal s ON s.id = c.id

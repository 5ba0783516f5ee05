-- The persons whose signals this evaluation changed (a subquery for the feed's bumps).
SELECT pseudonym FROM signal_persons

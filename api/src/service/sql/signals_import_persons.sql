-- The persons of the records this import wrote (a subquery for the feed's bumps).
SELECT pseudonym FROM import_persons

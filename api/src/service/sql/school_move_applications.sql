-- The applications to the moving schools or of their pupils, for the change feed.
-- Pieces: the school ids, the pupils' persons.
SELECT id FROM application WHERE school_id IN ({ids}) OR pseudonym IN ({pupils})

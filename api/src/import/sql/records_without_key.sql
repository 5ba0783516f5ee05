-- The next batch of pupil records whose record key is not filled in yet.
SELECT id, pseudonym FROM student WHERE record_key < 0 ORDER BY id LIMIT 10000

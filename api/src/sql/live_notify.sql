-- Tells the other replicas of a publication or of raised signals; leaves at commit (PostgreSQL).
-- Parameters: the channel, the payload (JSON).
SELECT pg_notify(?, ?)

-- Marks this transaction as one that writes feed versions, stamped at commit (PostgreSQL).
INSERT INTO change_pending (xid) VALUES (pg_current_xact_id()::text::bigint)
ON CONFLICT DO NOTHING

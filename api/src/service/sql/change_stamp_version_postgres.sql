-- The feed version of this transaction's writes (PostgreSQL): its pending mark, stamped at commit.
(-(pg_current_xact_id()::text::bigint))

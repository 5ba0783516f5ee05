-- The feed version of this transaction's writes (SQLite): the one it just took.
(SELECT version FROM change_meta WHERE id = 1)

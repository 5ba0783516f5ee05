-- Groups the gathered facts into a summary table. Pieces: the table, its key columns, the stored
-- columns, their sums.
INSERT INTO {table} ({keys}, {stored}) SELECT {keys}, {sums} FROM stats_facts GROUP BY {keys}

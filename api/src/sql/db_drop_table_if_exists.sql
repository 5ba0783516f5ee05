-- Drops a work table an earlier, failed run may have left behind; the table is a fixed name.
DROP TABLE IF EXISTS {table}

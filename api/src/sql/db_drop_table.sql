-- Drops a work table once its statements have used it; the table is a fixed name.
DROP TABLE {table}

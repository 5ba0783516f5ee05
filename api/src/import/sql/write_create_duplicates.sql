-- The duplicates the reader suspected: a line and the earlier line with the same fingerprint.
CREATE TEMPORARY TABLE import_duplicate (line BIGINT NOT NULL, first_line BIGINT NOT NULL)

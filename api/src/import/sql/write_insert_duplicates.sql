-- One batch of suspected duplicates. Pieces: one (line, first line) bind pair per row.
INSERT INTO import_duplicate (line, first_line) VALUES {rows}

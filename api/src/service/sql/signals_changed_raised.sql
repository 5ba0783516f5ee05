-- Notes the signals this evaluation raised. Parameter: the highest id before it.
INSERT INTO signal_changed (id) SELECT id FROM signal WHERE id > ?

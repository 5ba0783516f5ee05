-- Notes the signals that follow their person to a later record.
INSERT INTO signal_changed (id) SELECT id FROM signal_moved

-- The ids of the signals an evaluation changed, for the change feed's stamping.
SELECT id FROM signal_changed

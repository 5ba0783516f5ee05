-- The signals an evaluation changes while the feed's triggers are paused, stamped at the end.
CREATE TEMPORARY TABLE signal_changed (id BIGINT NOT NULL)

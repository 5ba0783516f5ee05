-- Every later statement looks a person up in signal_latest; without an index SQLite scans it for each.
CREATE INDEX ix_signal_latest_pseudonym ON signal_latest (pseudonym)

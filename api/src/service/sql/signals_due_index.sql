-- The stored signals are matched to signal_due by (person, kind).
CREATE INDEX ix_signal_due_pseudonym_kind ON signal_due (pseudonym, kind)

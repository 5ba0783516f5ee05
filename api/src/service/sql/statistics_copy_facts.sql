-- Gathers the facts of the summary rows being recomputed once, for both summary tables.
-- Pieces: the facts source, the condition on cohort and region (with its binds).
CREATE TEMPORARY TABLE stats_facts AS SELECT * FROM {facts} WHERE {condition}

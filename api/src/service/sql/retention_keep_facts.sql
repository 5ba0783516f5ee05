-- Keeps the transition facts of the persons past their term, per group of every dimension, so
-- the statistics stay what they were. Pieces: the fact keys, measures and their sums, the pupil
-- facts of those persons. Parameter: the bound cohort.
INSERT INTO stats_purged_facts ({keys}, {measures}) SELECT {keys}, {sums} FROM ({facts}) f GROUP BY {keys}

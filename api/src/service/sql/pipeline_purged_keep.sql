-- Keeps what the pipeline rows of purged records count, grouped by every pupil dimension, as
-- rows of one mbo scope. Pieces: the measure columns, the pupil dimensions, the scope, the mbo
-- school column or value, the sums, the live source, its conditions (with their binds), the
-- grouping.
INSERT INTO stats_purged_pipeline (region_id, cohort, school_id, leerweg, leerlab_id, year,
  mbo_scope, mbo_school_id, {measures})
SELECT {PUPIL_DIMENSIONS}, {scope}, {mbo_school}, {sums}
FROM {from} WHERE {conditions} GROUP BY {group}

-- The pipeline rows per (record, mbo school applied to), for grouping by mbo school.
-- Piece: a filter on the mbo schools (with its binds) or nothing.
(SELECT * FROM pipeline_application{schools})

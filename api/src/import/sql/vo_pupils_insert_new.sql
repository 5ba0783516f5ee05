-- Inserts the staged roster rows that have no record for their pupil and school year yet, in
-- that order, so that the records' unique index grows at its end (see write_insert_new.sql).
-- Pieces: the columns, the staged columns. Parameters: the run, the time.
INSERT INTO student ({columns}, import_run, updated_at) SELECT {staged}, ?, ?
FROM import_roster_stage st WHERE NOT EXISTS (
  SELECT 1 FROM student t WHERE t.pseudonym = st.pseudonym AND t.school_year = st.school_year
)
ORDER BY st.pseudonym, st.school_year

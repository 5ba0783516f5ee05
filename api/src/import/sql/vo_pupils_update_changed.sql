-- Updates the roster records (in school) whose staged row differs in a compared column.
-- Pieces: assignments, differences. Parameters: the run, the time, the in-school status.
UPDATE student SET {set}, import_run = ?, updated_at = ? FROM import_roster_stage st
WHERE student.pseudonym = st.pseudonym AND student.school_year = st.school_year
AND student.status = ? AND ({changed})

-- The (person, kind) pairs whose condition holds today, with the record they are about.
CREATE TEMPORARY TABLE signal_due (
  pseudonym VARCHAR(64) NOT NULL, kind VARCHAR(16) NOT NULL, student_id BIGINT NOT NULL
)

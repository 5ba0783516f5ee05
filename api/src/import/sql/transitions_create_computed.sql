-- The transition every affected leaver should have, before it is compared with `transition`.
CREATE TEMPORARY TABLE import_transition (
  student_id BIGINT PRIMARY KEY, enrolment_id BIGINT NOT NULL,
  school_id BIGINT NOT NULL, crebo VARCHAR(5) NOT NULL, level SMALLINT NOT NULL, enrolled_on DATE NOT NULL,
  status VARCHAR(16) NOT NULL, status_date DATE, switched_first_year BOOLEAN NOT NULL,
  dropped_out_first_year BOOLEAN NOT NULL, choice_matched BOOLEAN NOT NULL, level_vs_expected SMALLINT NOT NULL
)

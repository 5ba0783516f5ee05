-- The leavers whose transitions an import recomputes, with their (cohort, region).
CREATE TEMPORARY TABLE import_affected (
  student_id BIGINT PRIMARY KEY, cohort INTEGER NOT NULL, region_id BIGINT NOT NULL
)

-- The first and last day and 1 April of every school year with records, for the summaries' joins.
CREATE TEMPORARY TABLE pipeline_years (
  cohort INTEGER PRIMARY KEY, first_day DATE NOT NULL, last_day DATE NOT NULL, april DATE NOT NULL
)

-- One batch of school years. Piece: one (cohort, first day, last day, 1 April) bind tuple per year.
INSERT INTO pipeline_years (cohort, first_day, last_day, april) VALUES {rows}

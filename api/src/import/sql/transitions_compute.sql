-- Each affected leaver's transition: the earliest enrolment in the school year after leaving,
-- with the flags statistics count. Pieces: the transition columns, the expected level.
INSERT INTO import_transition SELECT {COLUMNS} FROM (
  SELECT s.id AS student_id, e.id AS enrolment_id, e.school_id AS school_id, e.crebo AS crebo, e.level AS level,
    e.enrolled_on AS enrolled_on, e.status AS status, e.status_date AS status_date,
    (e.status = 'switched' AND e.status_days < 365) AS switched_first_year,
    (e.status = 'dropped_out' AND e.status_days < 365) AS dropped_out_first_year,
    COALESCE(e.crebo = s.choice_crebo, FALSE) AS choice_matched,
    CASE WHEN e.level < {expected} THEN -1 WHEN e.level = {expected} THEN 0 ELSE 1 END AS level_vs_expected,
    ROW_NUMBER() OVER (PARTITION BY s.id ORDER BY e.enrolled_on, e.id) AS rn
  FROM import_affected a JOIN student s ON s.id = a.student_id AND s.status = 'LEFT'
  JOIN enrolment e ON e.pseudonym = s.pseudonym AND e.enrolled_on >= s.window_start AND e.enrolled_on <= s.window_end
) ranked WHERE rn = 1

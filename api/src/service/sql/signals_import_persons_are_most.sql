-- 1 when an import's persons are at least half of all records (so of all persons), else 0.
SELECT CASE WHEN 2 * (SELECT COUNT(*) FROM import_persons) >= (SELECT COUNT(*) FROM student)
  THEN 1 ELSE 0 END AS most

-- The persons past their term: whose latest record's school year is at most the bound cohort.
SELECT pseudonym FROM student GROUP BY pseudonym HAVING MAX(cohort) <= ?

-- The day of the last evaluation of every person.
SELECT evaluated_on AS d FROM signal_meta WHERE id = 1

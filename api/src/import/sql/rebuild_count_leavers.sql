-- How many leavers `leerroute rebuild` recomputed the transitions of.
SELECT COUNT(*) AS n FROM student WHERE status = 'LEFT'

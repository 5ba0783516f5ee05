-- The number of children of each parent whose page came back without its count.
-- Parameters: the parents.
SELECT {parent} AS parent, COUNT(*) AS n FROM {name} WHERE {parent} IN ({parents}) GROUP BY {parent}

-- Keeps the respondents and needs of the persons past their term per group. Pieces: the stored
-- columns, the group columns, the respondents and needs queries. Parameters: the bound cohort, twice.
INSERT INTO stats_purged_needs ({columns}) SELECT {groups}, SUM(pupils), SUM(pupils_keys)
FROM ({respondents} UNION ALL {needs}) f GROUP BY {groups}

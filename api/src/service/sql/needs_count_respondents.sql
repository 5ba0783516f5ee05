-- The respondents per group, with the purged pupils' stored groups. Pieces: the group keys
-- (each followed by a comma) or nothing, the key sum, the respondents query, the stored columns,
-- the filter starting with AND (with its binds) or nothing, the GROUP BY clause or nothing.
SELECT {key_select}CAST(SUM(s.pupils) AS BIGINT) AS n, {keys} AS k
FROM ({respondents} UNION ALL SELECT {PURGED_NEEDS} FROM stats_purged_needs WHERE need IS NULL) s
WHERE TRUE {where_clause} {group_by}

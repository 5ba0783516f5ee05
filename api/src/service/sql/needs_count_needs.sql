-- The pupils per group and need, with the purged pupils' stored groups. Pieces: the group keys
-- (each followed by a comma) or nothing, the key sum, the needs query, the stored columns, the
-- filter starting with AND (with its binds) or nothing, the GROUP BY clause.
SELECT {key_select}s.need AS need, CAST(SUM(s.pupils) AS BIGINT) AS n, {keys} AS k
FROM ({needs} UNION ALL SELECT {PURGED_NEEDS} FROM stats_purged_needs WHERE need IS NOT NULL) s
WHERE TRUE {where_clause} {group_by}

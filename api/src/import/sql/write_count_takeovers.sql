-- How many staged rows would move a record to a school of another institution (or one the
-- uploader's token does not cover). Pieces: staging table, target table, identity comparison,
-- the school column, the extra condition for schools not covered (binds: those schools).
SELECT COUNT(*) AS n
FROM {stage} st JOIN {table} t ON {same}
JOIN school was ON was.id = t.{owner} JOIN school now ON now.id = st.{owner}
WHERE t.{owner} <> st.{owner}
AND (COALESCE(was.parent_id, was.id) <> COALESCE(now.parent_id, now.id){not_covered})

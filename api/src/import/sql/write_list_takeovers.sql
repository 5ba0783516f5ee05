-- The first staged rows that would move a record to another school, for the row errors.
-- Pieces: as for the count, and how many to list.
SELECT st.line AS line
FROM {stage} st JOIN {table} t ON {same}
JOIN school was ON was.id = t.{owner} JOIN school now ON now.id = st.{owner}
WHERE t.{owner} <> st.{owner}
AND (COALESCE(was.parent_id, was.id) <> COALESCE(now.parent_id, now.id){not_covered})
ORDER BY st.line LIMIT {limit}

-- One page of children for many parents, numbered per parent, with their count if wanted.
-- Parameters: the cursor (if any), the parents, the page size + 1, the cursor (if any).
SELECT * FROM (
  SELECT t.*, {number} AS page_row{total} FROM {name} t
  WHERE t.{parent} IN ({parents})
) ranked WHERE page_row <= ? {past_cursor} ORDER BY id

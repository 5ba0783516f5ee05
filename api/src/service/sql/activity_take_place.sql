-- Takes one place of a published activity that has one left; no row changes when it is full.
-- Parameters: the activity, the published status.
UPDATE activity SET enrolled_count = enrolled_count + 1
WHERE id = ? AND status = ? AND enrolled_count < capacity

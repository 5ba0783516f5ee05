-- The locations of a school that moves region: they move with it. Parameter: the school.
SELECT id FROM school WHERE parent_id = ?

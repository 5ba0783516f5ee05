-- Deletes the rows of one kind past their term. Pieces: the table, the kind's condition, whose
-- binds are all its bound value.
DELETE FROM {table} WHERE {condition}

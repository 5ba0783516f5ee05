-- Gives back the place of a withdrawn pupil. Parameter: the activity.
UPDATE activity SET enrolled_count = enrolled_count - 1 WHERE id = ? AND enrolled_count > 0

-- Pauses (1) or resumes (0) the feed's triggers (SQLite: one writer, so no one else sees it).
-- Parameter: the flag.
UPDATE change_meta SET paused = ? WHERE id = 1

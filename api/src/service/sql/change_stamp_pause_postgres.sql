-- Pauses or resumes the feed's triggers for the rest of the transaction (PostgreSQL).
-- Pieces: the setting's name, on or off.
SET LOCAL {setting} = '{value}'

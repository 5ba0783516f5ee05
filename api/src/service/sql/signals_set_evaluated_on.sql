-- Remembers the day every person was evaluated, so later imports evaluate only their persons.
-- Parameter: today.
UPDATE signal_meta SET evaluated_on = ? WHERE id = 1

-- Wakes the hand-resolved (dormant) signals whose condition has ended, so they may be raised again.
-- Piece: the persons' filter on signal.pseudonym (with its binds), or nothing.
UPDATE signal SET dormant = FALSE
WHERE dormant
  AND NOT EXISTS (SELECT 1 FROM signal_due d WHERE d.pseudonym = signal.pseudonym AND d.kind = signal.kind){only}

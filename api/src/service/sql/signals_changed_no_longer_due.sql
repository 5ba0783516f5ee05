-- Notes the unresolved signals whose condition no longer holds, which are resolved next.
-- Piece: the persons' filter on signal.pseudonym (with its binds), or nothing.
INSERT INTO signal_changed (id) SELECT id FROM signal
WHERE status <> 'RESOLVED'
  AND NOT EXISTS (SELECT 1 FROM signal_due d WHERE d.pseudonym = signal.pseudonym AND d.kind = signal.kind){only}

-- Resolves the signals noted as no longer due. Parameters: today, the time.
UPDATE signal SET status = 'RESOLVED', resolved_on = ?, updated_at = ?
WHERE id IN (SELECT id FROM signal_changed)

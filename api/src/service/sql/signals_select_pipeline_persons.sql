-- The persons whose pipeline summary rows an import's evaluation recomputes: those whose signals
-- changed, and those of the records it wrote when the summary counts them.
-- Piece: the union with the import's persons, or nothing.
SELECT pseudonym FROM signal_persons{of_import}

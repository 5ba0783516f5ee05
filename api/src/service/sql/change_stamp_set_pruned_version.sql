-- Records the highest pruned version, never lowering it. Parameters: the version, twice.
UPDATE change_meta SET pruned_version = ? WHERE id = 1 AND pruned_version < ?

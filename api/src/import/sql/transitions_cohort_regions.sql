-- The (cohort, region) pairs of the leavers an import looked at: the summaries to refresh.
SELECT DISTINCT cohort, region_id FROM import_affected

-- The highest version pruned from the change feed: a client behind it starts again.
SELECT pruned_version AS v FROM change_meta WHERE id = 1

-- After a bulk write: fresh planner statistics, before autovacuum would get to them.
ANALYZE

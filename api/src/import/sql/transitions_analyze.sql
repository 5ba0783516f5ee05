-- Fresh planner statistics for a just-filled work table (PostgreSQL never analyses temporary ones).
ANALYZE {table}

-- The file of a SQLite database, beside which the import lock file lies.
SELECT file FROM pragma_database_list WHERE name = 'main'

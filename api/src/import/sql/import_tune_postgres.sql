-- Room for an import's transaction to sort and hash a whole file in memory.
SET LOCAL work_mem = '256MB'

-- The highest signal id, so that the signals an evaluation raises can be found after it.
SELECT CAST(COALESCE(MAX(id), 0) AS BIGINT) AS n FROM signal

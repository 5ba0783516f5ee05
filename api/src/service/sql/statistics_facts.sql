-- The facts of every leaver and the groups of purged leavers, as one source to group from.
-- Pieces: the pupil facts query, the fact keys, the fact measures.
({pupil_facts} UNION ALL SELECT {FACT_KEYS}, {measures} FROM stats_purged_facts) facts

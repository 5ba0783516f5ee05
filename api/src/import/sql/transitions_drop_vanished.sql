-- Deletes the transitions of the affected leavers that no longer have a matching enrolment.
DELETE FROM transition
WHERE student_id IN (SELECT student_id FROM import_affected)
  AND NOT EXISTS (
    SELECT 1 FROM import_transition t WHERE t.student_id = transition.student_id
  )

-- Piece of signals_select_pipeline_persons: the persons of the records an import wrote.
 UNION SELECT pseudonym FROM import_persons

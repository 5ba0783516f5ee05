-- The audit journal's table: audit_event's columns, so the same rows go in and come out.
CREATE TABLE IF NOT EXISTS audit_event (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at TEXT NOT NULL, request_id TEXT NOT NULL, subject TEXT, role TEXT NOT NULL,
  action TEXT NOT NULL, target TEXT NOT NULL
)

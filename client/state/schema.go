package state

// schemaVersion is stored in meta; Open refuses files of another version
// rather than misreading them.
const schemaVersion = "1"

const schemaSQL = `
CREATE TABLE IF NOT EXISTS meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS objects (
  kind           TEXT NOT NULL,
  source_id      TEXT NOT NULL,
  display_name   TEXT NOT NULL DEFAULT '',
  target_id      TEXT NOT NULL DEFAULT '',
  matched_by     TEXT NOT NULL DEFAULT '',
  status         TEXT NOT NULL DEFAULT '',
  disable_reason TEXT NOT NULL DEFAULT '',
  watermark      TEXT NOT NULL DEFAULT '',
  exported       TEXT NOT NULL DEFAULT '{}',
  manager        TEXT NOT NULL DEFAULT '',
  members        TEXT NOT NULL DEFAULT '[]',
  PRIMARY KEY (kind, source_id)
);
CREATE TABLE IF NOT EXISTS cycles (
  seq      INTEGER PRIMARY KEY AUTOINCREMENT,
  id       TEXT NOT NULL UNIQUE,
  body     TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS logs (
  seq       INTEGER PRIMARY KEY AUTOINCREMENT,
  cycle_id  TEXT NOT NULL,
  change_id TEXT NOT NULL,
  source_id TEXT NOT NULL,
  action    TEXT NOT NULL,
  status    TEXT NOT NULL,
  body      TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS logs_cycle ON logs(cycle_id);
CREATE TABLE IF NOT EXISTS escrows (
  kind          TEXT NOT NULL,
  source_id     TEXT NOT NULL,
  error_code    TEXT NOT NULL,
  reference     INTEGER NOT NULL DEFAULT 0,
  first_failure TEXT NOT NULL,
  attempts      INTEGER NOT NULL DEFAULT 1,
  next_attempt  TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (kind, source_id)
);
CREATE TABLE IF NOT EXISTS source_chunks (
  digest BLOB PRIMARY KEY,
  body   BLOB NOT NULL
);
`

/**
 * Frozen once shipped. Typed custom fields and saved filters (issue #21). The values of custom
 * fields stay in each entity's custom_fields JSON column; field_definitions says which keys are
 * fields, of what type, and whether a record must have one. A built-in definition (the source's
 * person and company fields) becomes a row only when a team enables it. Plain tables and
 * columns only, so the PostgreSQL twin is the same text.
 */
export const version = 10;
export const name = 'custom fields and segments';
export const sql = `
CREATE TABLE field_definitions (
  id INTEGER PRIMARY KEY,
  entity TEXT NOT NULL,
  name TEXT NOT NULL,
  label TEXT NOT NULL,
  type TEXT NOT NULL,
  choices TEXT,
  required INTEGER NOT NULL DEFAULT 0,
  builtin INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (entity, name)
);
CREATE TABLE segments (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  entity TEXT NOT NULL,
  filter TEXT NOT NULL,
  description TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
`;

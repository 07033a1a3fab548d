/**
 * Frozen once shipped. Who is acting (issue 17): a user's OS `login` (when it differs from the
 * handle), their `week_start` (1 = Monday … 7 = Sunday, ISO), and roles beyond the first four
 * (marketing, finance, data-steward, notification-only roles such as stock-control). The role is
 * checked by the domain's permission table (src/domain/permissions.ts), the one list of roles, so
 * the column loses its CHECK. SQLite cannot drop a CHECK: the table is rebuilt under the same
 * name (copy, drop, create, refill) with foreign keys deferred to the commit, so the other
 * tables' REFERENCES users(id) (never renamed) find every user again before they are checked.
 * PostgreSQL twin (plain columns, nothing SQLite-only in the result):
 *   ALTER TABLE users DROP CONSTRAINT users_role_check;
 *   ALTER TABLE users ADD COLUMN login TEXT, ADD COLUMN week_start INTEGER CHECK (week_start BETWEEN 1 AND 7);
 *   CREATE UNIQUE INDEX users_login ON users(login) WHERE login IS NOT NULL;
 */
export const version = 9;
export const name = 'user logins, week starts and more roles';
export const sql = `
PRAGMA defer_foreign_keys = ON;
CREATE TABLE users_before_0009 AS SELECT * FROM users;
DROP TABLE users;
CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  handle TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  email TEXT,
  role TEXT NOT NULL DEFAULT 'rep',
  team TEXT,
  timezone TEXT,
  active INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1,
  login TEXT,
  week_start INTEGER CHECK (week_start BETWEEN 1 AND 7)
);
INSERT INTO users (id, handle, name, email, role, team, timezone, active, created_at, updated_at, version)
  SELECT id, handle, name, email, role, team, timezone, active, created_at, updated_at, version FROM users_before_0009;
DROP TABLE users_before_0009;
CREATE UNIQUE INDEX users_login ON users(login) WHERE login IS NOT NULL;
`;

/**
 * The two engines behind one domain: an open database is SQLite (src/db/sqlite.ts, the embedded
 * default) or PostgreSQL (src/db/postgres/, for teams). Domain code uses only what both have —
 * `kysely` and writeTransaction(db, fn) — and never asks which one it got. Code that still needs
 * the SQLite handle (import, export, backup, maintenance) asks through sqliteOnly().
 */
import type { Db } from './sqlite.js';
import type { PgDb } from './postgres/types.js';
import { UserError } from '../errors.js';

export type Engine = 'sqlite' | 'postgres';
export type AnyDb = Db | PgDb;
export type { PgDb };

/**
 * The SQLite database, or a "not on PostgreSQL yet" error naming `what` (e.g. "`crm import`").
 * Commands are refused earlier by the allowlist (postgres/support.ts); this is the backstop.
 */
export function sqliteOnly(db: AnyDb, what: string): Db {
  if (db.engine === 'postgres') throw new UserError(`${what} does not run on PostgreSQL yet (issue #15).`, 'Use a SQLite database for it (--db FILE).', 'not_on_postgres');
  return db;
}

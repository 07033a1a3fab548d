/**
 * `crm db check` on PostgreSQL: the server keeps pages, references and constraints consistent
 * itself, so what is left to check is what it reports as unfinished or unverified — indexes left
 * invalid (a failed CREATE INDEX CONCURRENTLY), constraints added NOT VALID — and, when the
 * amcheck extension is installed, the structure of every B-tree index (bt_index_check). Without
 * amcheck the result says so instead of claiming more than was checked.
 */
import { sql } from 'kysely';
import type { CheckResult } from '../sqlite-maintenance.js';
import type { PgDb } from './types.js';

export interface PgCheckResult extends CheckResult {
  engine: 'postgres';
  /** What was not verified, and why (e.g. amcheck not installed). */
  notChecked: string[];
}

export async function checkPgDatabase(db: PgDb): Promise<PgCheckResult> {
  const k = db.kysely;
  const integrity: string[] = [];
  const invalid = await sql<{ name: string }>`SELECT c.relname AS name FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND NOT (i.indisvalid AND i.indisready) ORDER BY 1`.execute(k);
  for (const r of invalid.rows) integrity.push(`index ${r.name} is invalid (rebuild it: REINDEX INDEX ${r.name})`);
  const unvalidated = await sql<{ name: string; tbl: string }>`SELECT con.conname AS name, cl.relname AS tbl FROM pg_constraint con JOIN pg_class cl ON cl.oid = con.conrelid JOIN pg_namespace n ON n.oid = con.connamespace WHERE n.nspname = current_schema() AND NOT con.convalidated ORDER BY 2, 1`.execute(k);
  for (const r of unvalidated.rows) integrity.push(`constraint ${r.name} on ${r.tbl} is not validated (ALTER TABLE ${r.tbl} VALIDATE CONSTRAINT ${r.name})`);
  const notChecked: string[] = [];
  const amcheck = await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_extension WHERE extname = 'amcheck'`.execute(k);
  if (amcheck.rows[0]!.n) {
    const indexes = await sql<{ name: string; oid: number }>`SELECT c.relname AS name, c.oid::int AS oid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND am.amname = 'btree' AND i.indisvalid AND i.indisready ORDER BY 1`.execute(k);
    for (const ix of indexes.rows) {
      try {
        await sql`SELECT bt_index_check(${ix.oid}::oid)`.execute(k);
      } catch (err) {
        integrity.push(`index ${ix.name}: ${(err as Error).message}`);
      }
    }
  } else {
    notChecked.push('index structure: the amcheck extension is not installed (a superuser can add it: CREATE EXTENSION amcheck)');
  }
  return { path: db.path, engine: 'postgres', ok: integrity.length === 0, integrity, foreignKeys: [], schemaVersion: await db.schemaVersion(), journalMode: null, notChecked };
}

/**
 * `crm db vacuum` on PostgreSQL: VACUUM (ANALYZE) of crm's tables — dead rows' space made
 * reusable and the planner's statistics refreshed, without blocking readers or writers (the
 * server's autovacuum does the same on its own schedule). Unlike SQLite's VACUUM it does not give
 * the space back to the operating system (VACUUM FULL would, locking each table meanwhile).
 * VACUUM cannot run inside a transaction: it runs on a pool connection on its own.
 */
import { sql } from 'kysely';
import type { PgDb } from './types.js';

export async function vacuumPostgres(db: PgDb): Promise<{ path: string; engine: 'postgres'; beforeBytes: number; afterBytes: number }> {
  const before = (await db.serverInfo()).sizeBytes;
  await sql`VACUUM (ANALYZE)`.execute(db.kysely);
  const after = (await db.serverInfo()).sizeBytes;
  return { path: db.path, engine: 'postgres', beforeBytes: before, afterBytes: after };
}

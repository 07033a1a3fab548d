/**
 * One consistent read of several queries, the last of them read batch by batch while it is
 * printed: a listing of a million rows never becomes a million objects at once, and the figures
 * printed before it (counts, groups) are of the same snapshot.
 *   SQLite: a deferred read transaction (WAL keeps its snapshot) and the statement's iterator.
 *   PostgreSQL: a connection of its own in a REPEATABLE READ READ ONLY transaction; the streamed
 *   query's rows are taken as they arrive, the socket paused while two batches wait to be printed.
 * Always close() it (idempotent): the transaction ends and the connection goes back to the pool.
 */
import type { CompiledQuery } from 'kysely';
import type { AnyDb } from './engine.js';

export interface ReadSnapshot {
  /** Every row of a query. */
  all<R>(q: CompiledQuery<R>): Promise<R[]>;
  /**
   * The rows of a query in order, `size` at a time, read as they are consumed (one stream at a
   * time). `arrays`: each row as an array of its column values in SELECT order, not an object
   * (no property names to create for every row of a large scan).
   */
  batches<R>(q: CompiledQuery<R>, size?: number, arrays?: boolean): AsyncGenerator<R[]>;
  close(): Promise<void>;
}

/** Rows per batch: a few hundred KB of text, short-lived enough for the young generation (5,000 cost 25% more CPU in GC). */
export const BATCH_ROWS = 1000;

export async function readSnapshot(db: AnyDb): Promise<ReadSnapshot> {
  if (db.engine === 'postgres') {
    const { pgReadSnapshot } = await import('./postgres/snapshot.js');
    return pgReadSnapshot(db);
  }
  const sqlite = db.sqlite;
  let open = !sqlite.inTransaction;
  // Inside a transaction someone else began (a test, a caller's own), its snapshot is already the one.
  if (open) sqlite.prepare('BEGIN DEFERRED').run();
  return {
    async all<R>(q: CompiledQuery<R>) {
      return sqlite.prepare(q.sql).all(...(q.parameters as unknown[])) as R[];
    },
    async *batches<R>(q: CompiledQuery<R>, size = BATCH_ROWS, arrays = false) {
      let batch: R[] = [];
      const statement = sqlite.prepare(q.sql);
      if (arrays) statement.raw(true);
      for (const r of statement.iterate(...(q.parameters as unknown[])) as IterableIterator<R>) {
        batch.push(r);
        if (batch.length >= size) {
          yield batch;
          batch = [];
        }
      }
      if (batch.length) yield batch;
    },
    async close() {
      if (!open) return;
      open = false;
      if (sqlite.inTransaction) sqlite.prepare('COMMIT').run();
    },
  };
}

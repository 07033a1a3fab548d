/**
 * The PostgreSQL half of src/db/snapshot.ts: a pooled connection of its own, one REPEATABLE READ
 * READ ONLY transaction (every query sees the same snapshot), and a server-side cursor for the
 * streamed query — the server sorts once and hands out `size` rows per FETCH; the next FETCH is
 * sent before the current batch is handed on, so the server and this process work at once.
 */
import type { CompiledQuery } from 'kysely';
import type { PoolClient, QueryResult } from 'pg';
import type { ReadSnapshot } from '../snapshot.js';
import { BATCH_ROWS } from '../snapshot.js';
import { translatePgError } from './errors.js';
import type { PgDb } from './types.js';

export async function pgReadSnapshot(db: PgDb): Promise<ReadSnapshot> {
  let client: PoolClient | undefined;
  try {
    client = await db.pool.connect();
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  } catch (err) {
    client?.release(true);
    throw translatePgError(err, db.path);
  }
  const c = client;
  let done = false;
  let cursors = 0;
  const query = async <R>(text: string, values?: readonly unknown[]): Promise<QueryResult<R & object>> => {
    try {
      return await c.query<R & object>({ text, values: values as unknown[] | undefined });
    } catch (err) {
      throw translatePgError(err, db.path);
    }
  };
  return {
    async all<R>(q: CompiledQuery<R>) {
      return (await query<R>(q.sql, q.parameters)).rows;
    },
    async *batches<R>(q: CompiledQuery<R>, size = BATCH_ROWS): AsyncGenerator<R[]> {
      const name = `crm_rows_${++cursors}`;
      await query(`DECLARE ${name} NO SCROLL CURSOR FOR ${q.sql}`, q.parameters);
      const fetch = () => query<R>(`FETCH ${Math.max(1, Math.floor(size))} FROM ${name}`);
      let next: Promise<QueryResult<R & object>> | undefined = fetch();
      try {
        while (next) {
          const rows: R[] = (await next).rows;
          // A short batch is the last one; ask for the next while this one is printed.
          next = rows.length === size ? fetch() : undefined;
          if (rows.length) yield rows;
        }
      } finally {
        // Stopped early (a closed pipe): the FETCH in flight is answered before anything else.
        if (next) await next.catch(() => undefined);
        if (!done) await query(`CLOSE ${name}`).catch(() => undefined);
      }
    },
    async close() {
      if (done) return;
      done = true;
      try {
        await c.query('COMMIT');
        c.release();
      } catch {
        c.release(true); // a broken connection is not given back to the pool
      }
    },
  };
}

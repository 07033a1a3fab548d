/**
 * writeTransaction on PostgreSQL: SERIALIZABLE, with serialization failures (40001) and
 * deadlocks (40P01) retried inside crm with jittered backoff — the user never sees them.
 *
 * Why SERIALIZABLE rather than READ COMMITTED + SELECT … FOR UPDATE: the domain was written for
 * SQLite's BEGIN IMMEDIATE, where a write transaction runs as if alone — it reads what it will
 * change (a row's version, its tags, whether an email is free) and then writes. SERIALIZABLE
 * gives every such transaction that same guarantee without a PostgreSQL-only clause in each
 * domain read (Kysely would put FOR UPDATE into SQLite's SQL too), and it also covers reads of
 * rows that do not exist yet (the free email, the next position), which FOR UPDATE cannot lock.
 * The price is that a conflicting transaction is aborted rather than made to wait: it is run
 * again from the start, so `fn` must do database work only (no prompts, no output, no files) —
 * already the rule for SQLite (src/db/transaction.ts).
 */
import { sql, type Kysely } from 'kysely';
import { UserError } from '../../errors.js';
import type { Database } from '../schema.js';
import { isRetryablePgError, translatePgError } from './errors.js';

/** The channel every committed write notifies (here and by the tables' triggers, migration 0018). */
export const CHANGES_CHANNEL = 'crm_changes';

/** Attempts before giving up: bounded by count; with 50 writers on one row each gets its turn well within it. */
export const MAX_ATTEMPTS = 200;

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** 2, 4, 8 … ms up to 100 ms, times a random 0.5–1.5 so colliding processes spread out. */
export function backoffMs(attempt: number): number {
  return Math.min(100, 2 ** Math.min(attempt, 7)) * (0.5 + Math.random());
}

export async function serializableTransaction<T>(kysely: Kysely<Database>, shown: string, fn: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await kysely.transaction().setIsolationLevel('serializable').execute(async (trx) => {
        const result = await fn(trx);
        // Live TUIs LISTEN for this (postgres/watch.ts); PostgreSQL delivers it on COMMIT only.
        await sql`SELECT pg_notify(${CHANGES_CHANNEL}, '')`.execute(trx);
        return result;
      });
    } catch (err) {
      if (!isRetryablePgError(err)) throw translatePgError(err, shown);
      if (attempt >= MAX_ATTEMPTS) {
        throw new UserError(`PostgreSQL at ${shown} kept refusing the change as conflicting with others (${attempt} attempts).`, 'Nothing was changed. Try again when fewer writers are busy.', 'db_busy');
      }
      await sleep(backoffMs(attempt));
    }
  }
}

/**
 * Write transactions. Kysely and better-sqlite3 begin DEFERRED by default, which fails with
 * SQLITE_BUSY under concurrent writers; every write here begins IMMEDIATE, taking the write
 * lock up front so busy_timeout can absorb contention. Never do I/O (prompts, files) inside.
 */
import { sql, type Kysely } from 'kysely';
import type { Db } from './sqlite.js';
import type { Database } from './schema.js';

export type Trx = Kysely<Database>;

/**
 * Run fn in BEGIN IMMEDIATE … COMMIT on the Kysely connection. Inside fn use only `trx`:
 * the outer db.kysely would wait for the connection this transaction holds.
 */
export async function writeTransaction<T>(db: Db, fn: (trx: Trx) => Promise<T>): Promise<T> {
  return db.kysely.connection().execute(async (conn) => {
    await sql`BEGIN IMMEDIATE`.execute(conn);
    try {
      const result = await fn(conn);
      await sql`COMMIT`.execute(conn);
      return result;
    } catch (err) {
      if (db.sqlite.inTransaction) await sql`ROLLBACK`.execute(conn);
      throw err;
    }
  });
}

/** Synchronous variant for hot loops on cached better-sqlite3 statements. */
export function writeTransactionSync<T>(db: Db, fn: () => T): T {
  return db.sqlite.transaction(fn).immediate();
}

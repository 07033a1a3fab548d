/**
 * The open PostgreSQL database as the rest of crm sees it. Type-only: nothing here loads the
 * driver, so src/db/engine.ts and src/context.ts can name it at no start-up cost.
 */
import type { Kysely } from 'kysely';
import type { Pool } from 'pg';
import type { Migration } from '../migrations/index.js';
import type { Database } from '../schema.js';

export interface PgDb {
  engine: 'postgres';
  /** The URL as shown to people: password replaced by *** (redactUrl). */
  path: string;
  kysely: Kysely<Database>;
  /** writeTransaction's PostgreSQL half: SERIALIZABLE, serialization failures and deadlocks retried (postgres/transaction.ts). */
  writeTransaction<T>(fn: (trx: Kysely<Database>) => Promise<T>): Promise<T>;
  /** The schema version recorded in schema_migrations (0: none yet). */
  schemaVersion(): Promise<number>;
  /** The migrations this crm knows for PostgreSQL (numbered with SQLite's). */
  migrations: Migration[];
  /** The server's version and the database's size, for `crm db status`. */
  serverInfo(): Promise<{ serverVersion: string; sizeBytes: number }>;
  /** Apply pending migrations under the advisory lock (postgres/migrate.ts). */
  migrate(): Promise<{ from: number; to: number }>;
  /**
   * LISTEN on `channel` on a connection of its own (the pool's are shared and short-lived);
   * `onNotify` runs for every notification, `onError` when that connection is lost.
   */
  listen(channel: string, onNotify: () => void, onError?: (err: Error) => void): Promise<{ close(): Promise<void> }>;
  /** The connection pool itself, for what Kysely cannot say: COPY (the bulk import, postgres/import.ts). */
  pool: Pool;
  /**
   * Ends the pool. With `detach` (a CLI process about to exit) it returns once every connection
   * has written its Terminate message, without waiting for the server to close the sockets.
   */
  close(opts?: { detach?: boolean }): Promise<void>;
}

/**
 * Write transactions. Kysely and better-sqlite3 begin DEFERRED by default, which fails with
 * SQLITE_BUSY under concurrent writers; every write here begins IMMEDIATE, taking the write
 * lock up front so busy_timeout can absorb contention. Never do I/O (prompts, files) inside.
 *
 * Beyond busy_timeout, BEGIN IMMEDIATE (and COMMIT, which can be busy in rollback-journal
 * mode) is retried a bounded number of times with backoff and jitter. The work itself (fn) is
 * never re-run: it runs once, after the lock is held; a COMMIT that stays busy rolls it back.
 * When the bound is reached the user gets a clear "locked by another process" error.
 *
 * Reads: a Kysely query outside writeTransaction is its own short read transaction. Never
 * hold a read transaction open for long (a report iterating a cursor while doing other work,
 * an open BEGIN around several slow queries): in WAL mode it pins a snapshot, so checkpoints
 * cannot finish and the -wal file grows while it lasts. Large scans go through readInChunks.
 */
import type { Kysely } from 'kysely';
import type { Db, SqliteDatabase } from './sqlite.js';
import type { AnyDb } from './engine.js';
import type { Database } from './schema.js';
import { backoffDelayMs, busyError, DEFAULT_LOCK_POLICY, isBusyError, maxLockWaitMs, type LockPolicy } from './sqlite-errors.js';

export type Trx = Kysely<Database>;

function policyOf(db: Pick<Db, 'lock'>): LockPolicy {
  return db.lock ?? DEFAULT_LOCK_POLICY;
}

/**
 * The database refused a write for lack of permission — a read-only SQLite file or folder, a
 * PostgreSQL role without the privilege, a read-only transaction — as thrown by either engine or
 * as the UserError the engine's transaction wrapper made of it. For reads that would only keep a
 * cache up to date (ticket list's stored SLA deadlines): they fall back to computing without it.
 */
export function isWriteRefused(err: unknown): boolean {
  const e = err as { code?: unknown } | undefined;
  const code = String(e?.code ?? '');
  return code === 'db_readonly' || code === 'db_permission' || /^SQLITE_(READONLY|PERM|AUTH)/.test(code) || code === '42501' || code === '25006';
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const sleepCell = new Int32Array(new SharedArrayBuffer(4));
/** Block the thread (synchronous callers only: migrations, hot loops). */
export function sleepSync(ms: number): void {
  Atomics.wait(sleepCell, 0, 0, ms);
}

/**
 * Run `fn` — a statement that takes the write lock, or one SQLite refuses at once while another
 * process holds it — retrying with backoff while busy; after the policy's retries, busyError.
 */
export function retryWhileBusySync<T>(fn: () => T, path: string, policy: LockPolicy): T {
  for (let attempt = 0; ; attempt++) {
    try {
      return fn();
    } catch (err) {
      if (!isBusyError(err)) throw err;
      if (attempt >= policy.retries) throw busyError(path, policy);
      sleepSync(backoffDelayMs(attempt + 1));
    }
  }
}

/** Run a statement that only takes a lock (BEGIN IMMEDIATE, COMMIT), retrying while busy. */
function withLockRetrySync(sqlite: SqliteDatabase, statement: string, path: string, policy: LockPolicy): void {
  retryWhileBusySync(() => sqlite.exec(statement), path, policy);
}

/**
 * The async path (commands, the TUI) waits for the lock without blocking the event loop for
 * seconds: SQLite's busy handler gets short slices and the waiting in between is a timer, so a
 * full-screen app keeps drawing and Ctrl-C still works. The total wait matches the policy.
 */
async function withLockRetry(sqlite: SqliteDatabase, statement: string, path: string, policy: LockPolicy): Promise<void> {
  const slice = Math.min(policy.busyTimeoutMs, ASYNC_SLICE_MS);
  const deadline = Date.now() + maxLockWaitMs(policy);
  const restore = slice < policy.busyTimeoutMs;
  if (restore) sqlite.pragma(`busy_timeout = ${slice}`);
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        sqlite.exec(statement);
        return;
      } catch (err) {
        if (!isBusyError(err)) throw err;
        if (Date.now() >= deadline) throw busyError(path, policy);
        await sleep(Math.min(backoffDelayMs(attempt), ASYNC_MAX_PAUSE_MS, Math.max(1, deadline - Date.now())));
      }
    }
  } finally {
    if (restore) sqlite.pragma(`busy_timeout = ${policy.busyTimeoutMs}`);
  }
}

const ASYNC_SLICE_MS = 100;
const ASYNC_MAX_PAUSE_MS = 200;

function rollbackQuietly(sqlite: SqliteDatabase): void {
  try {
    if (sqlite.inTransaction) sqlite.exec('ROLLBACK');
  } catch {
    // SQLite may already have rolled back (e.g. after SQLITE_FULL); nothing more to undo
  }
}

/** Take the write lock: BEGIN IMMEDIATE with bounded retries (exported for migrations and maintenance). */
export function beginImmediateSync(sqlite: SqliteDatabase, path: string, policy: LockPolicy = DEFAULT_LOCK_POLICY): void {
  withLockRetrySync(sqlite, 'BEGIN IMMEDIATE', path, policy);
}

/** COMMIT, retrying while busy (the transaction stays open on SQLITE_BUSY, so retrying is safe). */
export function commitSync(sqlite: SqliteDatabase, path: string, policy: LockPolicy = DEFAULT_LOCK_POLICY): void {
  withLockRetrySync(sqlite, 'COMMIT', path, policy);
}

/**
 * Run fn in BEGIN IMMEDIATE … COMMIT on the Kysely connection. Inside fn use only `trx`:
 * the outer db.kysely would wait for the connection this transaction holds. On PostgreSQL:
 * a SERIALIZABLE transaction, run again on a serialization failure (src/db/postgres/transaction.ts),
 * so fn may run more than once and must do nothing but database work.
 */
export async function writeTransaction<T>(db: AnyDb, fn: (trx: Trx) => Promise<T>): Promise<T> {
  if (JOINED.has(db)) return fn(db.kysely);
  if (db.engine === 'postgres') return db.writeTransaction(fn);
  const policy = policyOf(db);
  return db.kysely.connection().execute(async (conn) => {
    await withLockRetry(db.sqlite, 'BEGIN IMMEDIATE', db.path, policy);
    try {
      const result = await fn(conn);
      await withLockRetry(db.sqlite, 'COMMIT', db.path, policy);
      return result;
    } catch (err) {
      rollbackQuietly(db.sqlite);
      throw isBusyError(err) ? busyError(db.path, policy) : err;
    }
  });
}

const JOINED = new WeakSet<object>();

/**
 * The database as seen from inside an open write transaction, for code that calls domain
 * functions which open their own (automation: a rule's actions, its firing row and the event's
 * claim are one transaction, so a crash or a second runner can never fire an occurrence twice;
 * crm lead convert: company, deal and contact commit together — joinTransaction in session.ts).
 * writeTransaction on the returned db runs its work in `trx` — it joins rather than nests — so a
 * failure anywhere rolls back everything.
 */
export function joinedDb<D extends AnyDb>(db: D, trx: Trx): D {
  const joined = { ...db, kysely: trx } as D;
  JOINED.add(joined);
  return joined;
}

/**
 * Synchronous variant for hot loops on cached better-sqlite3 statements. Called inside an
 * open transaction it nests as a savepoint (better-sqlite3's own behaviour).
 */
export function writeTransactionSync<T>(db: Db, fn: () => T): T {
  if (db.sqlite.inTransaction) return db.sqlite.transaction(fn)();
  const policy = policyOf(db);
  withLockRetrySync(db.sqlite, 'BEGIN IMMEDIATE', db.path, policy);
  try {
    const result = fn();
    withLockRetrySync(db.sqlite, 'COMMIT', db.path, policy);
    return result;
  } catch (err) {
    rollbackQuietly(db.sqlite);
    throw isBusyError(err) ? busyError(db.path, policy) : err;
  }
}

/**
 * Read a large result in keyset-paginated chunks, each its own short read transaction, so a
 * long report never pins one WAL snapshot. fetchPage(after, limit) returns the rows whose key
 * is greater than `after` (undefined for the first page) in key order. Rows written between
 * chunks may or may not be seen: use this for scans, not for totals that must agree exactly.
 */
export async function* readInChunks<T, K>(fetchPage: (after: K | undefined, limit: number) => Promise<T[]>, keyOf: (row: T) => K, chunkSize = 1000): AsyncGenerator<T[]> {
  let after: K | undefined;
  for (;;) {
    const rows = await fetchPage(after, chunkSize);
    if (rows.length === 0) return;
    yield rows;
    if (rows.length < chunkSize) return;
    after = keyOf(rows[rows.length - 1]!);
  }
}

/**
 * SQLite failures a user can act on, turned into one-line errors with a next step. Kept free
 * of better-sqlite3 and Kysely imports so src/cli.ts can use it without slowing start-up:
 * a user never sees a bare SQLITE_BUSY or SQLITE_CORRUPT.
 */
import { CrmError, UserError } from '../errors.js';

/** How long a writer waits for the write lock: SQLite's busy_timeout, then bounded retries. */
export interface LockPolicy {
  /** SQLite busy_timeout per attempt (SQLite itself polls the lock during this time). */
  busyTimeoutMs: number;
  /** Extra attempts after the first one failed with SQLITE_BUSY (backoff with jitter between). */
  retries: number;
}

export const DEFAULT_LOCK_POLICY: LockPolicy = { busyTimeoutMs: 5000, retries: 3 };

export function sqliteCode(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
}

/** SQLITE_BUSY and its extended codes (BUSY_RECOVERY, BUSY_SNAPSHOT, BUSY_TIMEOUT), and LOCKED. */
export function isBusyError(err: unknown): boolean {
  const code = sqliteCode(err);
  return code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED');
}

/** Delay before retry number `attempt` (1-based): exponential, capped, with ±50 % jitter so waiters spread out. */
export function backoffDelayMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(1000, 50 * 2 ** (attempt - 1));
  return Math.round(base * (0.5 + random()));
}

/** Longest a writer waits in total under a policy (for messages). */
export function maxLockWaitMs(policy: LockPolicy): number {
  let total = policy.busyTimeoutMs * (policy.retries + 1);
  for (let i = 1; i <= policy.retries; i++) total += Math.min(1000, 50 * 2 ** (i - 1)) * 1.5;
  return total;
}

export function busyError(path: string, policy: LockPolicy = DEFAULT_LOCK_POLICY): UserError {
  const seconds = Math.max(1, Math.round(maxLockWaitMs(policy) / 1000));
  return new UserError(
    `Database ${path} is locked by another process: it held the lock for over ${seconds} s, so nothing was changed.`,
    `Retry in a moment. If it persists, find the holder with: fuser ${path} (or lsof ${path}); stopping a stuck process is safe, SQLite rolls its unfinished work back.`,
    'db_busy',
  );
}

/** The step before any restore: a copy of the file as it is, so a wrong diagnosis loses nothing. */
export function keepCopyStep(path: string): string {
  return `Keep a copy of the file as it is: cp ${path}* SAFE-FOLDER/ (the database with its -wal)`;
}

/**
 * A damaged database: said only when SQLite reports it (or confirms what the header suggests).
 * The hint puts the steps that cannot lose data first: confirm, copy, and only then restore.
 */
export function damagedError(path: string, detail: string): UserError {
  return new UserError(
    `${path} is damaged: ${detail}`,
    `Confirm with: crm db check --db ${path} (it only reads). ${keepCopyStep(path)}. Only then restore the last good copy: crm db restore BACKUP --yes (migration backups sit next to it as ${path}.v*.bak).`,
    'db_corrupt',
  );
}

/**
 * Map SQLite error codes a user can act on to a UserError; anything else is returned unchanged
 * (a constraint violation that escaped the domain checks is a bug and keeps its stack).
 */
export function translateSqliteError(err: unknown, path: string, policy?: LockPolicy): unknown {
  if (err instanceof CrmError) return err;
  const code = sqliteCode(err);
  if (!code.startsWith('SQLITE_')) return err;
  if (isBusyError(err)) return busyError(path, policy);
  if (code === 'SQLITE_NOTADB') return damagedError(path, 'it is not a SQLite database (or its first page is destroyed).');
  if (code.startsWith('SQLITE_CORRUPT')) return damagedError(path, `SQLite found a damaged page (${code}).`);
  if (code.startsWith('SQLITE_FULL')) return new UserError(`The disk holding ${path} is full; the last change was not saved.`, 'Free some space, then retry.', 'db_full');
  if (code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_PERM') || code.startsWith('SQLITE_AUTH')) {
    return new UserError(
      `Cannot write database ${path} (${code}).`,
      'Check the permissions of the file, of its -wal/-shm files and of its folder (crm db init --shared-group GROUP sets them up for a team), or pass another --db.',
      'db_readonly',
    );
  }
  if (code.startsWith('SQLITE_IOERR')) return new UserError(`Input/output error on ${path} (${code}).`, 'Check the disk and the file system, then run: crm db check', 'db_io');
  return err;
}

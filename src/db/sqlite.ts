/**
 * The one place that opens the database: file creation (0600), SQLite sanity checks, pragmas,
 * migrations. SQLite-specific by design; everything else goes through Kysely.
 */
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { closeSync, copyFileSync, existsSync, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { CrmError, UserError } from '../errors.js';
import { fold } from './fold.js';
import { latestVersion, migrations } from './migrations/index.js';
import type { Database } from './schema.js';

export type SqliteDatabase = BetterSqlite3.Database;

export interface Db {
  path: string;
  sqlite: SqliteDatabase;
  kysely: Kysely<Database>;
  close(): void;
}

export interface OpenOptions {
  /** Apply pending migrations (default). With false, an out-of-date database is opened as is. */
  migrate?: boolean;
  readonly?: boolean;
  /** Journal mode; WAL unless the user accepts the risks of a network filesystem. */
  journal?: 'wal' | 'delete';
  busyTimeoutMs?: number;
}

const SQLITE_HEADER = 'SQLite format 3\u0000';

export function openDatabase(path: string, opts: OpenOptions = {}): Db {
  const memory = path === ':memory:';
  if (!memory) prepareFile(path, Boolean(opts.readonly));
  let sqlite: SqliteDatabase;
  try {
    sqlite = new BetterSqlite3(path, { readonly: Boolean(opts.readonly), timeout: opts.busyTimeoutMs ?? 5000 });
  } catch (err) {
    throw new UserError(`Cannot open database ${path}: ${(err as Error).message}`, 'Check the path and its permissions, or pass another --db.', 'db_open');
  }
  try {
    applyPragmas(sqlite, memory ? 'memory' : (opts.journal ?? 'wal'), Boolean(opts.readonly));
    registerFunctions(sqlite);
    const current = schemaVersion(sqlite);
    if (current > latestVersion) {
      throw new UserError(
        `Database ${path} has schema version ${current}, newer than this crm knows (${latestVersion}).`,
        'Upgrade crm (git pull && npm install) before using this database.',
        'db_too_new',
      );
    }
    if (current < latestVersion && opts.migrate !== false && !opts.readonly) {
      migrate(sqlite, path);
    }
  } catch (err) {
    sqlite.close();
    throw translateSqliteError(err, path);
  }
  const kysely = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  return {
    path,
    sqlite,
    kysely,
    close() {
      try {
        if (sqlite.open && !sqlite.readonly) sqlite.pragma('optimize');
      } catch {
        // optimize is advisory; a busy database must not turn a successful command into a failure
      }
      if (sqlite.open) sqlite.close();
    },
  };
}

function prepareFile(path: string, readonly: boolean): void {
  const dir = dirname(path);
  if (!existsSync(path)) {
    if (readonly) throw new UserError(`No database at ${path}.`, 'Create one with: crm db migrate --db ' + path, 'db_missing');
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      // Create the file ourselves so it is private from the first byte.
      closeSync(openSync(path, 'wx', 0o600));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new UserError(
          `Cannot create database ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
          'Choose a writable location with --db PATH or CRM_DB.',
          'db_create',
        );
      }
    }
    return;
  }
  const st = statSync(path);
  if (st.isDirectory()) throw new UserError(`${path} is a directory, not a database file.`, 'Pass a file path with --db.', 'db_not_file');
  if (st.size === 0) return;
  const fd = openSync(path, 'r');
  try {
    const header = Buffer.alloc(16);
    const n = readSync(fd, header, 0, 16, 0);
    if (n < 16 || header.toString('latin1') !== SQLITE_HEADER) {
      throw new UserError(`${path} is not a SQLite database.`, 'Point --db at a crm database, or at a new path to create one.', 'db_not_sqlite');
    }
  } finally {
    closeSync(fd);
  }
}

function applyPragmas(sqlite: SqliteDatabase, journal: 'wal' | 'delete' | 'memory', readonly: boolean): void {
  sqlite.pragma('foreign_keys = ON');
  if (!readonly && journal !== 'memory') {
    const mode = sqlite.pragma(`journal_mode = ${journal === 'wal' ? 'WAL' : 'DELETE'}`, { simple: true });
    if (journal === 'wal' && String(mode).toLowerCase() !== 'wal') {
      throw new UserError(`Could not switch ${sqlite.name} to WAL mode (got ${String(mode)}).`, undefined, 'db_wal');
    }
  }
  sqlite.pragma('synchronous = NORMAL');
}

function registerFunctions(sqlite: SqliteDatabase): void {
  // Unicode-aware folding for ad-hoc case-insensitive matching (SQLite's lower() is ASCII-only).
  sqlite.function('crm_fold', { deterministic: true }, (value: unknown) => (value == null ? null : fold(String(value))));
}

export function schemaVersion(sqlite: SqliteDatabase): number {
  return Number(sqlite.pragma('user_version', { simple: true }));
}

export function pendingMigrations(sqlite: SqliteDatabase) {
  const current = schemaVersion(sqlite);
  return migrations.filter((m) => m.version > current);
}

function hasData(sqlite: SqliteDatabase): boolean {
  const row = sqlite.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get() as { n: number };
  return row.n > 0;
}

/**
 * Apply pending migrations inside one BEGIN IMMEDIATE transaction, re-reading user_version
 * after taking the write lock so concurrent starters apply each migration exactly once.
 * A database with data is backed up first (VACUUM INTO, a consistent snapshot).
 */
export function migrate(sqlite: SqliteDatabase, path: string): { from: number; to: number; backup?: string } {
  const from = schemaVersion(sqlite);
  let backup: string | undefined;
  if (from > 0 && path !== ':memory:' && hasData(sqlite)) {
    backup = `${path}.v${from}.${new Date().toISOString().replace(/[:.]/g, '-')}.bak`;
    sqlite.prepare('VACUUM INTO ?').run(backup);
  }
  sqlite.exec('BEGIN IMMEDIATE');
  try {
    const current = schemaVersion(sqlite);
    for (const m of migrations) {
      if (m.version <= current) continue;
      sqlite.exec(m.sql);
      sqlite.pragma(`user_version = ${m.version}`);
    }
    sqlite.exec('COMMIT');
  } catch (err) {
    if (sqlite.inTransaction) sqlite.exec('ROLLBACK');
    throw err;
  }
  return { from, to: schemaVersion(sqlite), backup };
}

export function translateSqliteError(err: unknown, path: string): unknown {
  if (err instanceof CrmError) return err;
  const code = (err as { code?: string }).code ?? '';
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
    return new UserError(`${path} is not a usable SQLite database (${code}).`, 'Restore it from a backup (crm db restore FILE --yes) or pass another --db.', 'db_corrupt');
  }
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
    return new UserError(`Database ${path} is locked by another process.`, 'Wait for the other crm process to finish, then retry.', 'db_busy');
  }
  if (code === 'SQLITE_READONLY' || code === 'SQLITE_CANTOPEN' || code === 'SQLITE_PERM') {
    return new UserError(`Cannot write database ${path} (${code}).`, 'Check the file permissions, or pass another --db.', 'db_readonly');
  }
  return err;
}

/** Copy helper for tests and backups of closed files. */
export function copyDatabaseFile(from: string, to: string): void {
  copyFileSync(from, to);
}

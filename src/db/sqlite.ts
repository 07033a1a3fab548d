/**
 * The one place that opens the database: file creation (0600), SQLite sanity checks, the
 * network file system rule, pragmas, migrations. SQLite-specific by design; everything else
 * goes through Kysely.
 */
import type BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { closeSync, copyFileSync, existsSync, fsyncSync, mkdirSync, openSync, readSync, renameSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { CrmError, UserError } from '../errors.js';
import { fold } from './fold.js';
import { createPrivateFile, openPrivateFile, removeStaleTempFiles, tempPathFor } from '../output/files.js';
import { missingDatabaseError } from './path.js';
import { migrations as shippedMigrations, type Migration } from './migrations/index.js';
import type { Database } from './schema.js';
import { cachingStatements } from './sqlite-statements.js';
import { alignCompanionPermissions, networkFilesystem, walOnNetworkError, type FilesystemProbe } from './sqlite-fs.js';
import { damagedError, DEFAULT_LOCK_POLICY, sqliteCode, translateSqliteError as translate, type LockPolicy } from './sqlite-errors.js';
import { beginImmediateSync, commitSync, retryWhileBusySync } from './transaction.js';

export type SqliteDatabase = BetterSqlite3.Database;
export type { LockPolicy } from './sqlite-errors.js';

export interface Db {
  engine: 'sqlite';
  path: string;
  sqlite: SqliteDatabase;
  kysely: Kysely<Database>;
  close(): void;
  /** How writers wait for the lock (busy_timeout + bounded retries); default DEFAULT_LOCK_POLICY. */
  lock?: LockPolicy;
}

export interface OpenOptions {
  /** Apply pending migrations (default). With false, an out-of-date database is opened as is. */
  migrate?: boolean;
  readonly?: boolean;
  /** Journal mode; WAL unless the user accepts the risks of a network filesystem. */
  journal?: 'wal' | 'delete';
  /** SQLite busy_timeout per attempt (default 5000 ms; CRM_BUSY_TIMEOUT). */
  busyTimeoutMs?: number;
  /** Extra attempts after busy_timeout ran out (default 3). */
  retries?: number;
  /** The migration list (tests inject one with an extra step); default: the shipped ones. */
  migrations?: Migration[];
  /** How the file system is probed (tests inject a network file system). */
  filesystem?: FilesystemProbe;
  /** Open a file whose header says it is truncated (for `crm db check`). */
  allowDamaged?: boolean;
  /**
   * Create the file when it does not exist (default true). The command line passes false except
   * for `crm init`, `crm demo` and `crm db restore`: a missing file is then a db_missing error.
   */
  create?: boolean;
}

const SQLITE_HEADER = 'SQLite format 3\u0000';

const requireHere = createRequire(import.meta.url);

/**
 * better-sqlite3 is CommonJS: require() it rather than import it, or Node's ESM loader first
 * loads and runs its CommonJS export scanner (cjs-module-lexer, ~2 ms) just to read its exports.
 */
const BetterSqlite3Class = requireHere('better-sqlite3') as typeof BetterSqlite3;

let addonPath: string | null | undefined;

/**
 * Where npm puts better-sqlite3's addon (built or prebuilt), or undefined when it is not there
 * (a debug build, say): then better-sqlite3 asks the `bindings` package as usual, which inspects
 * a stack trace and stats a dozen candidate paths, ~2–3 ms of every start-up.
 */
function nativeBinding(): string | undefined {
  if (addonPath === undefined) {
    try {
      const path = requireHere.resolve('better-sqlite3/build/Release/better_sqlite3.node');
      addonPath = existsSync(path) ? path : null;
    } catch {
      addonPath = null;
    }
  }
  return addonPath ?? undefined;
}

/** `new BetterSqlite3(path, options)`, with the addon found directly when possible. Open every connection with this. */
export function openSqlite(path: string, options: BetterSqlite3.Options = {}): SqliteDatabase {
  const binding = nativeBinding();
  return new BetterSqlite3Class(path, binding === undefined ? options : { ...options, nativeBinding: binding });
}

export function openDatabase(path: string, opts: OpenOptions = {}): Db {
  const memory = path === ':memory:' || path === '';
  const journal = opts.journal ?? 'wal';
  const lock: LockPolicy = { busyTimeoutMs: opts.busyTimeoutMs ?? DEFAULT_LOCK_POLICY.busyTimeoutMs, retries: opts.retries ?? DEFAULT_LOCK_POLICY.retries };
  const list = opts.migrations ?? shippedMigrations;
  const latest = latestOf(list);
  if (!memory) {
    if (journal === 'wal') {
      const fsName = networkFilesystem(existingAncestor(dirname(path)), opts.filesystem);
      if (fsName) throw walOnNetworkError(path, fsName);
    }
    prepareFile(path, { readonly: Boolean(opts.readonly), allowDamaged: Boolean(opts.allowDamaged), create: opts.create !== false });
  }
  let sqlite: SqliteDatabase;
  try {
    sqlite = openSqlite(path, { readonly: Boolean(opts.readonly), timeout: lock.busyTimeoutMs });
  } catch (err) {
    const translated = translate(err, path, lock);
    if (translated !== err) throw translated;
    throw new UserError(`Cannot open database ${path}: ${(err as Error).message}`, 'Check the path and its permissions, or pass another --db.', 'db_open');
  }
  try {
    applyPragmas(sqlite, memory ? 'memory' : journal, Boolean(opts.readonly), lock);
    registerFunctions(sqlite);
    const current = schemaVersion(sqlite);
    if (current > latest) {
      throw new UserError(
        `Database ${path} has schema version ${current}, newer than this crm knows (${latest}).`,
        'Upgrade crm (git pull && npm install) before using this database.',
        'db_too_new',
      );
    }
    if (current < latest && opts.migrate !== false && !opts.readonly) {
      migrate(sqlite, path, { migrations: list, lock });
    }
    if (!memory && !opts.readonly) alignCompanionPermissions(path);
  } catch (err) {
    sqlite.close();
    throw translate(err, path, lock);
  }
  const kysely = new Kysely<Database>({ dialect: new SqliteDialect({ database: cachingStatements(sqlite) }) });
  return {
    engine: 'sqlite',
    path,
    sqlite,
    kysely,
    lock,
    close() {
      try {
        if (sqlite.open && !sqlite.readonly) {
          // Never wait for another writer's lock on the way out: a read-only command would
          // otherwise sit out the whole busy timeout when optimize decides to run ANALYZE.
          sqlite.pragma('busy_timeout = 0');
          sqlite.pragma('optimize');
        }
      } catch {
        // optimize is advisory; a busy database must not turn a successful command into a failure
      }
      if (sqlite.open) sqlite.close();
    },
  };
}

function latestOf(list: Migration[]): number {
  return list.length ? list[list.length - 1]!.version : 0;
}

/** The nearest existing folder (the database's folder may not exist yet). */
function existingAncestor(dir: string): string {
  let d = dir;
  while (!existsSync(d)) {
    const up = dirname(d);
    if (up === d) break;
    d = up;
  }
  return d;
}

/**
 * mkdir -p without { recursive: true }: Node 20's recursive mkdir loops forever on some
 * unwritable paths (e.g. under /proc), so walk up to the first existing ancestor ourselves.
 */
export function makeDirs(dir: string, mode = 0o700): void {
  const missing: string[] = [];
  let d = dir;
  while (!existsSync(d)) {
    missing.push(d);
    const parent = dirname(d);
    if (parent === d) break;
    d = parent;
  }
  for (const m of missing.reverse()) mkdirSync(m, { mode });
}

export function cannotCreateError(path: string, err: unknown): UserError {
  return new UserError(
    `Cannot create database ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    'Choose a writable location with --db PATH or CRM_DB.',
    'db_create',
  );
}

function prepareFile(path: string, { readonly, allowDamaged, create }: { readonly: boolean; allowDamaged: boolean; create: boolean }): void {
  const dir = dirname(path);
  if (!existsSync(path)) {
    if (readonly || !create) throw missingDatabaseError(path);
    try {
      makeDirs(dir);
      // Create the file ourselves so it is private from the first byte (through a symlink too).
      createPrivateFile(path);
    } catch (err) {
      throw cannotCreateError(path, err);
    }
    return;
  }
  const st = statSync(path);
  if (st.isDirectory()) throw new UserError(`${path} is a directory, not a database file.`, 'Pass a file path with --db.', 'db_not_file');
  if (st.size === 0 || allowDamaged) return;
  const problem = inspectHeader(path);
  if (!problem || !sqliteConfirmsDamage(path)) return;
  if (problem === 'not-sqlite') {
    throw new UserError(`${path} is not a SQLite database.`, 'Point --db at a crm database, or create one with: crm init --db NEW-PATH', 'db_not_sqlite');
  }
  throw damagedError(path, problem);
}

/**
 * Cheap checks of the 100-byte header: a file cut short (a copy taken mid-write, a full disk)
 * is described as such instead of as "some page is damaged". Returns 'not-sqlite', a description
 * of the damage, or undefined when the file looks whole.
 *
 * Only a suspicion: another process may be changing the file meanwhile (a checkpoint writes
 * page 1, with the new page count, before the pages that extend the file, then empties the
 * -wal). The size is taken before and after the header and the -wal/-journal checks, and a file
 * that changed in between is not judged; still, the file is called damaged only when SQLite
 * confirms it (sqliteConfirmsDamage) — issue 22: a healthy shared file was reported damaged.
 */
export function inspectHeader(path: string): string | undefined {
  const before = statSync(path);
  const header = Buffer.alloc(100);
  const fd = openSync(path, 'r');
  let n: number;
  try {
    n = readSync(fd, header, 0, 100, 0);
  } finally {
    closeSync(fd);
  }
  if (n < 16 || header.toString('latin1', 0, 16) !== SQLITE_HEADER) return 'not-sqlite';
  const rawPageSize = n < 100 ? 0 : header.readUInt16BE(16);
  const pageSize = rawPageSize === 1 ? 65536 : rawPageSize;
  // The newest pages may still live in the -wal file, and with a rollback journal another
  // process may be between writing page 1 and extending the file: only judge a quiet file.
  if (existsSync(path + '-wal') && statSync(path + '-wal').size > 0) return undefined;
  if (existsSync(path + '-journal')) return undefined;
  const after = statSync(path);
  if (after.size !== before.size || after.mtimeMs !== before.mtimeMs) return undefined;
  const size = after.size;
  if (n < 100) return `it is ${size} bytes long, shorter than a SQLite header (the file was cut short).`;
  if (pageSize < 512 || (pageSize & (pageSize - 1)) !== 0) return `its header is garbled (page size ${rawPageSize}).`;
  const pages = header.readUInt32BE(28);
  const sizeValid = pages > 0 && header.readUInt32BE(24) === header.readUInt32BE(92);
  if (sizeValid && size < pages * pageSize) {
    return `it is ${size} bytes long but its header says ${pages * pageSize} (${pages} pages); the file was cut short.`;
  }
  if (size % pageSize !== 0) return `its size (${size} bytes) is not a whole number of ${pageSize}-byte pages; the file was cut short.`;
  return undefined;
}

/**
 * SQLite's own verdict on a file the header check suspects: quick_check on a read-only
 * connection, inside its own consistent snapshot (no other process can race it). Damaged only
 * when SQLite reports problems or fails to read with SQLITE_CORRUPT / SQLITE_NOTADB; a busy or
 * unreadable file is left to the open that follows, which reports what SQLite says.
 */
export function sqliteConfirmsDamage(path: string): boolean {
  let probe: SqliteDatabase | undefined;
  try {
    probe = openSqlite(path, { readonly: true, fileMustExist: true, timeout: DEFAULT_LOCK_POLICY.busyTimeoutMs });
    return integrityProblems(probe, true).length > 0;
  } catch (err) {
    const code = sqliteCode(err);
    return code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT');
  } finally {
    probe?.close();
  }
}

function applyPragmas(sqlite: SqliteDatabase, journal: 'wal' | 'delete' | 'memory', readonly: boolean, lock: LockPolicy): void {
  sqlite.pragma('foreign_keys = ON');
  if (!readonly && journal !== 'memory') {
    const mode = setJournalMode(sqlite, journal === 'wal' ? 'WAL' : 'DELETE', lock);
    if (journal === 'wal' && String(mode).toLowerCase() !== 'wal') {
      throw new UserError(`Could not switch ${sqlite.name} to WAL mode (got ${String(mode)}).`, undefined, 'db_wal');
    }
  }
  sqlite.pragma('synchronous = NORMAL');
  // SQLite's own default page cache (2 MB). better-sqlite3 builds with 16 MB, which a one-shot
  // process fills page by page and never reuses: a 1M-row report scan ran ~15% slower with it,
  // a 1M-row import ~5% (bench/cases/reports.mjs, bench/cases/import.mjs).
  sqlite.pragma('cache_size = -2000');
}

/**
 * PRAGMA journal_mode, retried while busy. Switching a new (still rollback-journal) file to WAL
 * needs the write lock, and a process that already holds a read lock is refused at once —
 * SQLite skips the busy handler there to avoid a deadlock — when several processes create the
 * same file together (seen: 2 of 300 openings with five processes at once).
 */
function setJournalMode(sqlite: SqliteDatabase, mode: 'WAL' | 'DELETE', lock: LockPolicy): unknown {
  return retryWhileBusySync(() => sqlite.pragma(`journal_mode = ${mode}`, { simple: true }), sqlite.name, lock);
}

function registerFunctions(sqlite: SqliteDatabase): void {
  // Unicode-aware folding for ad-hoc case-insensitive matching (SQLite's lower() is ASCII-only).
  sqlite.function('crm_fold', { deterministic: true }, (value: unknown) => (value == null ? null : fold(String(value))));
}

export function schemaVersion(sqlite: SqliteDatabase): number {
  return Number(sqlite.pragma('user_version', { simple: true }));
}

export function pendingMigrations(sqlite: SqliteDatabase, list: Migration[] = shippedMigrations) {
  const current = schemaVersion(sqlite);
  return list.filter((m) => m.version > current);
}

export interface MigrateOptions {
  migrations?: Migration[];
  lock?: LockPolicy;
  /** Write a VACUUM INTO copy before changing a database that holds data (default true). */
  backup?: boolean;
}

export interface MigrateResult {
  from: number;
  to: number;
  backup?: string;
}

/**
 * Apply pending migrations, all of them inside one BEGIN IMMEDIATE transaction.
 *
 * Concurrency: user_version is read without a lock first (the common, up-to-date case costs
 * nothing), then re-read after taking the write lock. Of several processes starting a new
 * binary at once, the first to get the lock migrates; the others wait for it (busy_timeout +
 * retries; the wait is longer than for ordinary writes because the first one may be copying a
 * large file) and then find nothing to do. A migration that fails rolls everything back: the
 * file stays at its previous version.
 *
 * Backup: VACUUM INTO cannot run inside a transaction, so the copy is written by a second,
 * short-lived connection while this one holds the write lock. In WAL and rollback-journal
 * modes alike a reader may read while a RESERVED lock is held, and no one can write, so the
 * copy is exactly the state the migrations start from — and only the process that really
 * migrates takes it. A file that holds no data (a schema, and at most the rows the migrations
 * themselves put there) is not copied: there is nothing to lose, and no .bak to clean up.
 */
export function migrate(sqlite: SqliteDatabase, path: string, opts: MigrateOptions = {}): MigrateResult {
  const list = opts.migrations ?? shippedMigrations;
  const latest = latestOf(list);
  const unlocked = schemaVersion(sqlite);
  if (unlocked >= latest) return { from: unlocked, to: unlocked };
  const lock = opts.lock ?? DEFAULT_LOCK_POLICY;
  beginImmediateSync(sqlite, path, { busyTimeoutMs: lock.busyTimeoutMs, retries: Math.max(lock.retries, 3) * 3 });
  let backup: string | undefined;
  try {
    const current = schemaVersion(sqlite);
    if (current >= latest) {
      sqlite.exec('COMMIT');
      return { from: current, to: current };
    }
    const memory = path === ':memory:' || path === '';
    if (current > 0 && !memory && opts.backup !== false && holdsData(sqlite, list, current)) {
      backup = `${path}.v${current}.${new Date().toISOString().replace(/[:.]/g, '-')}.bak`;
      snapshotTo(path, backup, lock);
    }
    for (const m of list) {
      if (m.version <= current) continue;
      sqlite.exec(m.sql);
      sqlite.pragma(`user_version = ${m.version}`);
    }
    commitSync(sqlite, path, lock);
    return { from: current, to: schemaVersion(sqlite), backup };
  } catch (err) {
    if (sqlite.inTransaction) sqlite.exec('ROLLBACK');
    if (backup) rmSync(backup, { force: true });
    if (err instanceof CrmError) throw err;
    const e = err as Error;
    throw new UserError(
      `Migrating ${path} failed, so it was left at schema version ${schemaVersion(sqlite)}: ${e.message}`,
      'Nothing was changed. Report this with CRM_DEBUG=1 output; meanwhile use the previous crm version.',
      'migration_failed',
    );
  }
}

/** Columns the migrations fill with the time they ran: a seeded row differs there from file to file. */
const SEED_TIME_COLUMNS = new Set(['created_at', 'updated_at']);

/**
 * Does any table hold a row the user put there? `SELECT 1 … LIMIT 1` per table; a table the
 * migrations seed (pipelines, stages, lost reasons, the default SLA policy) holds data only when
 * its rows are not exactly the seed, compared with a schema built in memory by the same
 * migrations (timestamps aside). Runs under the migration's write lock, only when migrating.
 */
export function holdsData(sqlite: SqliteDatabase, list: Migration[], version: number): boolean {
  const tables = sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name").pluck().all() as string[];
  let seed: SqliteDatabase | undefined;
  try {
    for (const table of tables) {
      const q = `"${table.replace(/"/g, '""')}"`;
      if (!sqlite.prepare(`SELECT 1 FROM ${q} LIMIT 1`).get()) continue;
      if (!seed) {
        seed = openSqlite(':memory:');
        for (const m of list) if (m.version <= version) seed.exec(m.sql);
      }
      const exists = seed.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table);
      const seeded = exists ? (seed.prepare(`SELECT count(*) FROM ${q}`).pluck().get() as number) : 0;
      if (seeded === 0) return true;
      // More rows than the seed (without counting a large table), or other values.
      if (sqlite.prepare(`SELECT 1 FROM ${q} LIMIT 1 OFFSET ?`).get(seeded)) return true;
      const columns = (sqlite.prepare(`PRAGMA table_info(${q})`).all() as { name: string }[]).map((c) => c.name).filter((c) => !SEED_TIME_COLUMNS.has(c));
      const rows = `SELECT json_array(${columns.map((c) => `"${c.replace(/"/g, '""')}"`).join(', ')}) FROM ${q} ORDER BY rowid`;
      if (JSON.stringify(sqlite.prepare(rows).pluck().all()) !== JSON.stringify(seed.prepare(rows).pluck().all())) return true;
    }
    return false;
  } catch {
    return true; // cannot tell (a schema that differs from the migrations'): copy it
  } finally {
    seed?.close();
  }
}

/**
 * A consistent copy of the database at `to`, readable while others write: VACUUM INTO a temp
 * file next to the target (created first with the database's permissions, since SQLite would
 * create it world-readable), fsync, integrity_check of the copy, atomic rename, fsync of the
 * folder. Runs on its own connection, so it may be called while `from` is locked for writing.
 */
export function snapshotTo(from: string, to: string, lock: LockPolicy = DEFAULT_LOCK_POLICY): { sizeBytes: number; schemaVersion: number } {
  // Copies left by killed backups are as large as the database: remove them before adding one.
  removeStaleTempFiles(dirname(to));
  const tmp = tempPathFor(to);
  closeSync(openPrivateFile(tmp, { mode: statSync(from).mode & 0o666 }));
  try {
    const source = openSqlite(from, { fileMustExist: true, timeout: lock.busyTimeoutMs });
    try {
      source.prepare('VACUUM INTO ?').run(tmp);
    } finally {
      source.close();
    }
    fsyncFile(tmp);
    const copy = openSqlite(tmp, { readonly: true, fileMustExist: true });
    let version: number;
    try {
      const problems = integrityProblems(copy);
      if (problems.length) throw new UserError(`The copy of ${from} failed its integrity check: ${problems[0]}`, 'Run crm db check on the database itself.', 'backup_corrupt');
      version = schemaVersion(copy);
    } finally {
      copy.close();
    }
    renameSync(tmp, to);
    fsyncDir(dirname(to));
    return { sizeBytes: statSync(to).size, schemaVersion: version };
  } catch (err) {
    for (const file of [tmp, `${tmp}-journal`]) rmSync(file, { force: true });
    throw translate(err, from, lock);
  }
}

export function integrityProblems(sqlite: SqliteDatabase, quick = false): string[] {
  const rows = sqlite.prepare(quick ? 'PRAGMA quick_check' : 'PRAGMA integrity_check').pluck().all() as string[];
  return rows.length === 1 && rows[0] === 'ok' ? [] : rows;
}

function fsyncFile(file: string): void {
  const fd = openSync(file, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function fsyncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // some platforms cannot fsync a folder; the rename is still atomic
  }
}

export function translateSqliteError(err: unknown, path: string): unknown {
  return translate(err, path);
}

/** Copy helper for tests and backups of closed files. */
export function copyDatabaseFile(from: string, to: string): void {
  copyFileSync(from, to);
}

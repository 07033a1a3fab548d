/**
 * Maintenance of the database file: online backup, checked restore, integrity check, vacuum,
 * and creating a file with the right permissions. SQLite-specific by design.
 */
import { plural } from '../output/plural.js';
import { chmodSync, chownSync, closeSync, copyFileSync, existsSync, fsyncSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ConflictError, NotFoundError, UserError } from '../errors.js';
import { createPrivateFile, openPrivateFile, tempPathFor } from '../output/files.js';
import { migrations as shippedMigrations, type Migration } from './migrations/index.js';
import { alignCompanionPermissions, resolveGroup } from './sqlite-fs.js';
import { DEFAULT_LOCK_POLICY, isBusyError, translateSqliteError, type LockPolicy } from './sqlite-errors.js';
import { cannotCreateError, inspectHeader, integrityProblems, makeDirs, migrate, openSqlite, schemaVersion, snapshotTo, type Db, type SqliteDatabase } from './sqlite.js';
import { beginImmediateSync, commitSync, retryWhileBusySync } from './transaction.js';

export interface BackupResult {
  path: string;
  sizeBytes: number;
  schemaVersion: number;
  integrity: 'ok';
}

/** `crm db backup FILE`: a consistent snapshot while others keep writing. */
export function backupDatabase(db: Db, target: string, opts: { force?: boolean } = {}): BackupResult {
  const to = resolve(target);
  if (to === resolve(db.path)) throw new UserError('The backup cannot replace the database itself.', 'Give another file name, e.g. crm db backup crm-$(date +%F).db');
  if (existsSync(to) && !opts.force) {
    throw new ConflictError(`${target} already exists.`, `Choose a new name, or replace it with: crm db backup ${target} --force`, 'exists');
  }
  if (!existsSync(dirname(to))) throw new UserError(`Folder ${dirname(to)} does not exist.`, `Create it first: mkdir -p ${dirname(to)}`, 'no_folder');
  const { sizeBytes, schemaVersion: version } = snapshotTo(db.path, to, db.lock);
  return { path: to, sizeBytes, schemaVersion: version, integrity: 'ok' };
}

export interface CheckResult {
  path: string;
  ok: boolean;
  integrity: string[];
  foreignKeys: { table: string; rowid: number | null; parent: string }[];
  schemaVersion: number | null;
  journalMode: string | null;
}

/** `crm db check`: integrity_check (or quick_check) and foreign_key_check. */
export function checkDatabase(sqlite: SqliteDatabase, path: string, opts: { quick?: boolean } = {}): CheckResult {
  let integrity: string[];
  try {
    integrity = integrityProblems(sqlite, opts.quick);
  } catch (err) {
    integrity = [`${(err as { code?: string }).code ?? 'error'}: ${(err as Error).message}`];
  }
  let foreignKeys: CheckResult['foreignKeys'] = [];
  try {
    foreignKeys = (sqlite.prepare('PRAGMA foreign_key_check').all() as { table: string; rowid: number | null; parent: string }[]).map((r) => ({ table: r.table, rowid: r.rowid, parent: r.parent }));
  } catch (err) {
    integrity.push(`foreign_key_check failed: ${(err as Error).message}`);
  }
  let version: number | null = null;
  let journalMode: string | null = null;
  try {
    version = schemaVersion(sqlite);
    journalMode = String(sqlite.pragma('journal_mode', { simple: true }));
  } catch {
    // already reported by integrity_check
  }
  return { path, ok: integrity.length === 0 && foreignKeys.length === 0, integrity, foreignKeys, schemaVersion: version, journalMode };
}

/** `crm db vacuum`: rebuild the file compactly, then truncate the -wal file. */
export function vacuumDatabase(db: Db): { path: string; beforeBytes: number; afterBytes: number } {
  const size = () => (existsSync(db.path) ? statSync(db.path).size : 0) + (existsSync(db.path + '-wal') ? statSync(db.path + '-wal').size : 0);
  const beforeBytes = size();
  const policy = db.lock ?? DEFAULT_LOCK_POLICY;
  // VACUUM takes the write lock itself and cannot run inside BEGIN; retry it like BEGIN IMMEDIATE.
  try {
    retryWhileBusySync(() => db.sqlite.exec('VACUUM'), db.path, policy);
  } catch (err) {
    throw translateSqliteError(err, db.path, policy);
  }
  try {
    db.sqlite.pragma('wal_checkpoint(TRUNCATE)');
  } catch {
    // a reader still holds an old snapshot; the next checkpoint will shrink the -wal file
  }
  return { path: db.path, beforeBytes, afterBytes: size() };
}

/** Tables every crm database has had since version 1: how a restore tells a crm file from another SQLite file. */
const CRM_TABLES = ['users', 'companies', 'contacts', 'audit_log', 'settings'];

export interface CandidateInfo {
  path: string;
  schemaVersion: number;
  sizeBytes: number;
  counts: Record<string, number>;
}

/** Refuse a restore source unless it is a whole, consistent crm database of a known version. */
export function inspectRestoreSource(file: string, list: Migration[] = shippedMigrations): CandidateInfo {
  const path = resolve(file);
  if (!existsSync(path)) throw new NotFoundError(`No file ${file}.`, 'Give the path of a backup written by crm db backup.');
  const st = statSync(path);
  if (!st.isFile() || st.size === 0) throw new UserError(`${file} is not a crm backup (it is ${st.isFile() ? 'empty' : 'not a file'}).`, undefined, 'restore_invalid');
  const header = inspectHeader(path);
  if (header === 'not-sqlite') throw new UserError(`${file} is not a SQLite database, so it cannot be a crm backup.`, undefined, 'restore_invalid');
  if (header) throw new UserError(`${file} is damaged: ${header}`, 'Pick another backup.', 'restore_invalid');
  let src: SqliteDatabase;
  try {
    src = openSqlite(path, { readonly: true, fileMustExist: true });
  } catch (err) {
    throw new UserError(`Cannot read ${file}: ${(err as Error).message}`, undefined, 'restore_invalid');
  }
  try {
    const problems = integrityProblems(src);
    if (problems.length) throw new UserError(`${file} fails its integrity check: ${problems.slice(0, 3).join('; ')}`, 'Pick another backup.', 'restore_invalid');
    const fk = src.prepare('PRAGMA foreign_key_check').all();
    if (fk.length) throw new UserError(`${file} has ${plural(fk.length, 'broken reference')} between tables.`, 'Pick another backup.', 'restore_invalid');
    const version = schemaVersion(src);
    const latest = list.length ? list[list.length - 1]!.version : 0;
    if (version < 1 || version > latest) {
      throw new UserError(
        `${file} has schema version ${version}; this crm knows versions 1 to ${latest}.`,
        version > latest ? 'Upgrade crm before restoring this backup.' : 'It is not a crm database.',
        'restore_version',
      );
    }
    const tables = new Set(src.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[]);
    const missing = CRM_TABLES.filter((t) => !tables.has(t));
    if (missing.length) throw new UserError(`${file} is not a crm database (no ${missing.join(', ')} table).`, undefined, 'restore_invalid');
    const counts: Record<string, number> = {};
    for (const t of ['contacts', 'companies', 'deals', 'tickets', 'activities']) {
      if (tables.has(t)) counts[t] = Number(src.prepare(`SELECT count(*) FROM "${t}"`).pluck().get());
    }
    return { path, schemaVersion: version, sizeBytes: st.size, counts };
  } catch (err) {
    throw translateSqliteError(err, path);
  } finally {
    src.close();
  }
}

export interface RestoreResult {
  restoredFrom: string;
  previousCopy: string | null;
  schemaVersion: number;
  migratedTo: number;
}

/**
 * Replace the live database's content with `source` (already checked by inspectRestoreSource).
 *
 * Other processes may have the file open, so it is never swapped underneath them (a renamed
 * file would keep receiving their writes, and its -wal would no longer match). Instead the
 * content is copied in one BEGIN IMMEDIATE transaction on the live file: drop every schema
 * object, recreate them from the source's schema, copy every row, set user_version. Readers
 * see the old or the new database, never a mix; writers wait for the lock as usual. A copy
 * of the current content is written first (VACUUM INTO, `<db>.before-restore.<time>.bak`).
 */
export function restoreDatabase(db: Db, source: CandidateInfo, opts: { migrations?: Migration[]; keepCopy?: boolean } = {}): RestoreResult {
  const policy: LockPolicy = db.lock ?? DEFAULT_LOCK_POLICY;
  let previousCopy: string | null = null;
  const sqlite = db.sqlite;
  sqlite.pragma('foreign_keys = OFF'); // a no-op inside a transaction, so before BEGIN
  sqlite.prepare('ATTACH DATABASE ? AS restore_src').run(source.path); // not allowed inside a transaction either
  try {
    beginImmediateSync(sqlite, db.path, policy);
    try {
      // Copied under the write lock (by a second connection), so no write can slip in between
      // the copy and the restore and be lost from both.
      if (opts.keepCopy !== false && schemaVersion(sqlite) > 0) {
        previousCopy = `${db.path}.before-restore.${new Date().toISOString().replace(/[:.]/g, '-')}.bak`;
        snapshotTo(db.path, previousCopy, policy);
      }
      copySchemaAndRows(sqlite);
      sqlite.pragma(`user_version = ${source.schemaVersion}`);
      const fk = sqlite.prepare('PRAGMA main.foreign_key_check').all();
      if (fk.length) throw new UserError(`The restored data has ${plural(fk.length, 'broken reference')}; nothing was changed.`, undefined, 'restore_invalid');
      commitSync(sqlite, db.path, policy);
    } catch (err) {
      if (sqlite.inTransaction) sqlite.exec('ROLLBACK');
      if (previousCopy) rmSync(previousCopy, { force: true });
      throw translateSqliteError(err, db.path, policy);
    }
  } finally {
    sqlite.exec('DETACH DATABASE restore_src');
    sqlite.pragma('foreign_keys = ON');
  }
  // The source is its own backup of the pre-migration state: no second copy needed.
  const migrated = migrate(sqlite, db.path, { migrations: opts.migrations, lock: policy, backup: false });
  return { restoredFrom: source.path, previousCopy, schemaVersion: source.schemaVersion, migratedTo: migrated.to };
}

interface SchemaObject {
  type: string;
  name: string;
  tbl_name: string;
  sql: string | null;
}

function copySchemaAndRows(sqlite: SqliteDatabase): void {
  const objects = (schema: string) => sqlite.prepare(`SELECT type, name, tbl_name, sql FROM ${schema}.sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY rowid`).all() as SchemaObject[];
  const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;
  const current = objects('main');
  for (const kind of ['trigger', 'view', 'index', 'table']) {
    for (const o of current) {
      if (o.type !== kind || (kind === 'index' && o.sql === null)) continue;
      sqlite.exec(`DROP ${kind.toUpperCase()} IF EXISTS main.${quote(o.name)}`);
    }
  }
  const incoming = objects('restore_src');
  // Shadow tables (an FTS5 index's _data, _idx, …) are created by their virtual table and are
  // read-only in better-sqlite3's defensive mode: skip them, and refill the virtual table instead.
  const shadow = new Set((sqlite.prepare('PRAGMA restore_src.table_list').all() as { name: string; type: string }[]).filter((r) => r.type === 'shadow').map((r) => r.name));
  const isVirtual = (o: SchemaObject) => /^CREATE\s+VIRTUAL/i.test(o.sql ?? '');
  // Tables first (in their original order), rows next, then indexes, views and triggers.
  for (const o of incoming) if (o.type === 'table' && o.sql && !shadow.has(o.name)) sqlite.exec(o.sql);
  for (const o of incoming) {
    if (o.type !== 'table' || !o.sql || shadow.has(o.name) || isVirtual(o)) continue;
    sqlite.exec(`INSERT INTO main.${quote(o.name)} SELECT * FROM restore_src.${quote(o.name)}`);
  }
  for (const o of incoming) {
    if (o.type !== 'table' || !isVirtual(o)) continue;
    // An external-content FTS index is rebuilt from its (already copied) table; others copy their rows.
    if (/content\s*=\s*'?[^'\s,)]/i.test(o.sql!)) sqlite.exec(`INSERT INTO main.${quote(o.name)}(${quote(o.name)}) VALUES ('rebuild')`);
    else sqlite.exec(`INSERT INTO main.${quote(o.name)} SELECT * FROM restore_src.${quote(o.name)}`);
  }
  const hasSeq = (schema: string) => Boolean(sqlite.prepare(`SELECT 1 FROM ${schema}.sqlite_master WHERE name = 'sqlite_sequence'`).get());
  if (hasSeq('restore_src') && hasSeq('main')) {
    sqlite.exec('DELETE FROM main.sqlite_sequence; INSERT INTO main.sqlite_sequence SELECT * FROM restore_src.sqlite_sequence');
  }
  for (const kind of ['index', 'view', 'trigger']) for (const o of incoming) if (o.type === kind && o.sql) sqlite.exec(o.sql);
}

export interface InitResult {
  path: string;
  created: boolean;
  mode: string;
  group: number | null;
  warnings: string[];
}

/**
 * Create (or fix up) the database file with the right permissions before SQLite opens it:
 * 0600 for one person, or 0660 owned by GROUP for a team. SQLite creates -wal and -shm with
 * the database file's mode; their group is fixed on every open (alignCompanionPermissions),
 * and a setgid folder makes new files inherit the group from the start.
 */
export function prepareDatabaseFile(path: string, opts: { sharedGroup?: string } = {}): InitResult {
  const warnings: string[] = [];
  const gid = opts.sharedGroup ? resolveGroup(opts.sharedGroup) : null;
  const mode = gid === null ? 0o600 : 0o660;
  const dir = dirname(path);
  if (!existsSync(dir)) {
    try {
      makeDirs(dir, gid === null ? 0o700 : 0o2770);
    } catch (err) {
      throw cannotCreateError(path, err);
    }
    if (gid !== null) {
      chownSync(dir, statSync(dir).uid, gid);
      chmodSync(dir, 0o2770); // mkdir's mode is reduced by the umask
    }
  } else if (gid !== null) {
    const st = statSync(dir);
    if (st.gid !== gid || (st.mode & 0o2070) !== 0o2070) {
      try {
        if (st.gid !== gid) chownSync(dir, st.uid, gid);
        chmodSync(dir, (st.mode & 0o7777) | 0o2070);
      } catch {
        warnings.push(`Folder ${dir} is not group-writable with the setgid bit for that group; SQLite creates its -wal/-shm files there. Ask its owner to run: chgrp ${opts.sharedGroup} ${dir} && chmod g+rwxs ${dir}`);
      }
    }
  }
  let created: boolean;
  try {
    created = createPrivateFile(path, mode);
  } catch (err) {
    throw cannotCreateError(path, err);
  }
  // The umask reduced the mode given to open(); set it exactly.
  if (created || gid !== null) {
    try {
      chmodSync(path, mode);
      if (gid !== null) chownSync(path, statSync(path).uid, gid);
    } catch (err) {
      throw new UserError(`Cannot set the permissions of ${path}: ${(err as NodeJS.ErrnoException).code}`, 'Run crm db init as the owner of the file, in a group you belong to.', 'db_permissions');
    }
  }
  alignCompanionPermissions(path);
  const st = statSync(path);
  return { path, created, mode: '0' + (st.mode & 0o777).toString(8), group: gid, warnings };
}

export { isBusyError };

/**
 * Whether the live file cannot take a logical restore: SQLite's quick_check finds damage or
 * cannot read it. Never from the header alone, which another process may be rewriting (issue 22):
 * a healthy file called damaged here would be moved aside instead of restored in place.
 */
export function isDamaged(path: string): boolean {
  if (!existsSync(path) || statSync(path).size === 0) return false;
  try {
    const probe = openSqlite(path, { fileMustExist: true, timeout: 1000 });
    try {
      return integrityProblems(probe, true).length > 0;
    } finally {
      probe.close();
    }
  } catch (err) {
    return !isBusyError(err);
  }
}

/**
 * Restore over a damaged file: it cannot be read, so move it (and its -wal/-shm) aside and put
 * a copy of the source in its place (temp file, fsync, atomic rename). Any crm process still
 * holding the damaged file open must be restarted; it could not use the file anyway.
 */
export function replaceDamagedDatabase(path: string, source: CandidateInfo, opts: { migrations?: Migration[]; lock?: LockPolicy } = {}): RestoreResult {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const aside = `${path}.damaged.${stamp}`;
  const mode = statSync(path).mode & 0o777;
  const tmp = tempPathFor(path);
  closeSync(openPrivateFile(tmp, { mode }));
  copyFileSync(source.path, tmp);
  chmodSync(tmp, mode);
  const fd = openSync(tmp, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(path, aside);
  for (const suffix of ['-wal', '-shm', '-journal']) if (existsSync(path + suffix)) renameSync(path + suffix, aside + suffix);
  renameSync(tmp, path);
  const sqlite = openSqlite(path, { fileMustExist: true, timeout: (opts.lock ?? DEFAULT_LOCK_POLICY).busyTimeoutMs });
  try {
    const migrated = migrate(sqlite, path, { migrations: opts.migrations, lock: opts.lock, backup: false });
    return { restoredFrom: source.path, previousCopy: aside, schemaVersion: source.schemaVersion, migratedTo: migrated.to };
  } finally {
    sqlite.close();
  }
}

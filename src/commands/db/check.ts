import { existsSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import { inspectHeader } from '../../db/sqlite.js';
import type { CliContext } from '../../context.js';
import { checkDatabase, type CheckResult } from '../../db/sqlite-maintenance.js';
import { CheckFailedError, CrmError } from '../../errors.js';
import { info } from '../../io.js';
import { emit, isJsonFormat, printRecord, toJson } from '../../output/render.js';
import { examples } from '../common.js';
import { keepCopyStep } from '../../db/sqlite-errors.js';
import { openWith } from './open.js';
import { plural } from '../../output/plural.js';

export interface CheckOptions {
  quick?: boolean;
}

export async function run(ctx: CliContext, o: CheckOptions): Promise<void> {
  const path = ctx.dbPath();
  let result: CheckResult;
  if (ctx.engine() === 'postgres') return runOnPostgres(ctx);
  try {
    // Read-only, no migration, and a file whose header looks truncated is opened anyway:
    // the point is to report what is wrong.
    const db = openWith(ctx, { readonly: true, migrate: false, allowDamaged: true });
    try {
      result = checkDatabase(db.sqlite, path, { quick: o.quick });
    } finally {
      db.close();
    }
  } catch (err) {
    if (err instanceof CrmError && (err.code === 'db_corrupt' || err.code === 'db_not_sqlite')) {
      result = { path, ok: false, integrity: [err.message], foreignKeys: [], schemaVersion: null, journalMode: null };
    } else throw err;
  }
  // SQLite's verdict decides; the header only explains it (a file cut short). Another process
  // may be growing a healthy file while we look, so the header alone never fails the check.
  const header = !result.ok && path !== ':memory:' && existsSync(path) && statSync(path).size > 0 ? inspectHeader(path) : undefined;
  if (header && header !== 'not-sqlite' && !result.integrity.some((l) => l.includes(header))) result = { ...result, integrity: [`${path} is damaged: ${header}`, ...result.integrity] };
  if (isJsonFormat(ctx.out)) emit(ctx.out, toJson(result) + '\n');
  else {
    printRecord(ctx.out, result, [
      { key: 'path', label: 'Path' },
      { key: 'integrity', label: 'Integrity', get: (r) => (r.integrity.length ? `${r.integrity.length} problem(s)` : 'ok') },
      { key: 'foreignKeys', label: 'References', get: (r) => (r.foreignKeys.length ? `${r.foreignKeys.length} broken` : 'ok') },
      { key: 'schemaVersion', label: 'Schema version', format: 'int' },
      { key: 'journalMode', label: 'Journal' },
    ]);
    for (const line of result.integrity.slice(0, 20)) info(ctx.io, `integrity: ${line}`);
    for (const fk of result.foreignKeys.slice(0, 20)) info(ctx.io, `reference: ${fk.table} row ${fk.rowid ?? '?'} points to a missing ${fk.parent} row`);
  }
  if (!result.ok) {
    const n = result.integrity.length + result.foreignKeys.length;
    throw new CheckFailedError(`${path} has ${plural(n, 'problem')}.`, `${keepCopyStep(path)}; then restore the last good backup: crm db restore FILE --yes (crm db backup writes one; migrations leave ${path}.v*.bak copies).`, 'db_check_failed');
  }
  info(ctx.io, `${path}: no problems found.`);
}

/** PostgreSQL: invalid indexes, unvalidated constraints, amcheck when installed (db/postgres/check.ts). */
async function runOnPostgres(ctx: CliContext): Promise<void> {
  const { checkPgDatabase } = await import('../../db/postgres/check.js');
  const db = ctx.pgDb('crm db check');
  const result = await checkPgDatabase(db);
  if (isJsonFormat(ctx.out)) emit(ctx.out, toJson(result) + '\n');
  else {
    printRecord(ctx.out, result, [
      { key: 'path', label: 'Database' },
      { key: 'integrity', label: 'Integrity', get: (r) => (r.integrity.length ? `${r.integrity.length} problem(s)` : 'ok') },
      { key: 'schemaVersion', label: 'Schema version', format: 'int' },
      { key: 'notChecked', label: 'Not checked', get: (r) => (r.notChecked.length ? r.notChecked.join('; ') : '') },
    ]);
    for (const line of result.integrity.slice(0, 20)) info(ctx.io, `integrity: ${line}`);
  }
  if (!result.ok) throw new CheckFailedError(`${db.path} has ${result.integrity.length} problem(s).`, 'Fix them as each line says, or restore the last good backup: crm db restore FILE --yes (pg_restore).', 'db_check_failed');
  info(ctx.io, `${db.path}: no problems found${result.notChecked.length ? ` (not checked: ${result.notChecked.map((n) => n.split(':')[0]).join(', ')})` : ''}.`);
}

export function register(parent: Command, ctx: CliContext): void {
  const cmd = parent.command('check').description('integrity_check and foreign_key_check; exit 3 if anything is wrong').option('--quick', 'quick_check: faster, skips index consistency');
  examples(cmd, ['crm db check', 'crm db check --json', 'crm db check || mail -s "crm db damaged" admin@example.com < /dev/null']);
  cmd.action((o: CheckOptions) => run(ctx, o));
}

import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { openOptionsFrom, type CliContext } from '../../context.js';
import { DEFAULT_LOCK_POLICY } from '../../db/sqlite-errors.js';
import { inspectRestoreSource, isDamaged, replaceDamagedDatabase, restoreDatabase, type RestoreResult } from '../../db/sqlite-maintenance.js';
import { schemaVersion } from '../../db/sqlite.js';
import { UserError } from '../../errors.js';
import { confirmOrRequireYes, info } from '../../io.js';
import { emit, isJsonFormat, toJson } from '../../output/render.js';
import { examples } from '../common.js';
import { openWith } from './open.js';

export interface RestoreOptions {
  yes?: boolean;
}

export async function run(ctx: CliContext, file: string, o: RestoreOptions): Promise<void> {
  const path = ctx.dbPath();
  if (ctx.engine() === 'postgres') {
    const { pgRestore } = await import('../../db/postgres/dump.js');
    const db = ctx.pgDb('crm db restore');
    // Replacing the team's database is an admin's job, as on SQLite.
    await (await import('../identity.js')).requirePermission(ctx, 'db.admin');
    await confirmOrRequireYes(ctx.io, `Replace the content of ${db.path} with ${file} (pg_restore --clean, one transaction)?`, o.yes, `crm db restore ${file} --yes`);
    pgRestore(path, file);
    // An older backup is upgraded to this crm's schema right after, under the migration lock.
    const migrated = await db.migrate();
    if (isJsonFormat(ctx.out)) emit(ctx.out, toJson({ path: db.path, engine: 'postgres', restoredFrom: file, schemaVersion: migrated.from, migratedTo: migrated.to }) + '\n');
    info(ctx.io, `Restored ${db.path} from ${file} with pg_restore${migrated.to !== migrated.from ? ` and upgraded it from schema version ${migrated.from} to ${migrated.to}` : ''}.`);
    return;
  }
  if (path === ':memory:') throw new UserError('Cannot restore into an in-memory database.', 'Pass --db PATH.');
  // Check the source before asking anything: a bad file must not get as far as a prompt.
  const source = inspectRestoreSource(file);
  const counts = Object.entries(source.counts).map(([t, n]) => `${n} ${t}`).join(', ');
  const damaged = isDamaged(path);
  // Replacing a readable database is an admin's job (db.admin); a missing or damaged one has no users to ask.
  if (existsSync(path) && !damaged) {
    await (await import('../identity.js')).requirePermission(ctx, 'db.admin');
    ctx.close();
  }
  const what = existsSync(path) ? `Replace the content of ${path}${damaged ? ' (damaged)' : ''}` : `Create ${path}`;
  await confirmOrRequireYes(ctx.io, `${what} with ${file} (schema version ${source.schemaVersion}; ${counts || 'empty'})?`, o.yes, `crm db restore ${file} --yes`);
  let result: RestoreResult;
  if (damaged) {
    const busyTimeoutMs = openOptionsFrom(ctx.globals, ctx.env).busyTimeoutMs ?? DEFAULT_LOCK_POLICY.busyTimeoutMs;
    result = replaceDamagedDatabase(path, source, { lock: { ...DEFAULT_LOCK_POLICY, busyTimeoutMs } });
  } else {
    const db = openWith(ctx, { migrate: false, create: true });
    try {
      result = restoreDatabase(db, source);
      result.migratedTo = schemaVersion(db.sqlite);
    } finally {
      db.close();
    }
  }
  if (isJsonFormat(ctx.out)) emit(ctx.out, toJson({ path, ...result }) + '\n');
  info(ctx.io, `Restored ${path} from ${source.path}${result.migratedTo !== result.schemaVersion ? ` and upgraded it to schema version ${result.migratedTo}` : ''}.`);
  if (result.previousCopy) info(ctx.io, `The previous ${damaged ? 'damaged file was moved' : 'content was saved'} to ${result.previousCopy}`);
  if (damaged) info(ctx.io, 'Restart any crm process that was still running on the damaged file.');
}

export function register(parent: Command, ctx: CliContext): void {
  const cmd = parent
    .command('restore')
    .description('replace the database with a backup (checked first; the current content is kept as a copy)')
    .argument('<file>', 'a backup written by crm db backup (or a migration .bak copy)')
    .option('-y, --yes', 'do not ask (required when not on a terminal)');
  examples(cmd, ['crm db restore ~/backups/crm-2026-11-19.db', 'crm db restore crm.db.v1.2026-11-20T17-55-00-000Z.bak --yes']);
  cmd.addHelpText(
    'after',
    '\nThe file must be a crm database of a known schema version that passes integrity_check.\nOther crm processes may keep running: the content is swapped in one transaction, and an\nolder backup is upgraded to the current schema right after.',
  );
  cmd.action((file: string, o: RestoreOptions) => run(ctx, file, o));
}

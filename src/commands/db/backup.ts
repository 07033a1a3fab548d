import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { backupDatabase } from '../../db/sqlite-maintenance.js';
import { info } from '../../io.js';
import { emit, isJsonFormat, toJson } from '../../output/render.js';
import { examples } from '../common.js';
import { formatBytes } from './format.js';

export interface BackupOptions {
  force?: boolean;
}

export async function run(ctx: CliContext, file: string, o: BackupOptions): Promise<void> {
  if (ctx.engine() === 'postgres') {
    const { pgBackup } = await import('../../db/postgres/dump.js');
    const result = pgBackup(ctx.dbPath(), file, o);
    if (isJsonFormat(ctx.out)) emit(ctx.out, toJson({ ...result, engine: 'postgres', format: 'pg_dump custom' }) + '\n');
    else emit(ctx.out, result.path + '\n');
    info(ctx.io, `Backed up ${ctx.anyDb().path} to ${result.path} with pg_dump (${formatBytes(result.sizeBytes)}); restore it with crm db restore or pg_restore.`);
    return;
  }
  const db = ctx.db();
  const result = backupDatabase(db, file, { force: o.force });
  if (isJsonFormat(ctx.out)) emit(ctx.out, toJson(result) + '\n');
  else emit(ctx.out, result.path + '\n');
  info(ctx.io, `Backed up ${db.path} to ${result.path} (${formatBytes(result.sizeBytes)}, schema version ${result.schemaVersion}, integrity ok).`);
}

export function register(parent: Command, ctx: CliContext): void {
  const cmd = parent
    .command('backup')
    .description('write a consistent copy of the database while others keep working')
    .argument('<file>', 'the backup file to write (must not exist unless --force)')
    .option('--force', 'replace FILE if it exists');
  examples(cmd, ['crm db backup ~/backups/crm-$(date +%F).db', 'crm db backup /srv/backup/crm-latest.db --force   # from cron', 'crm db backup copy.db --json']);
  cmd.addHelpText(
    'after',
    '\nThe copy is written with VACUUM INTO to a temporary file next to FILE, flushed to disk,\nchecked with integrity_check and then renamed into place: FILE is either the old file or a\ncomplete, verified backup, never half-written. Writers are not blocked while it runs.',
  );
  cmd.addHelpText('after', '\nOn PostgreSQL it runs pg_dump (custom format; it must be installed, of the server\'s major\nversion or newer); without it, the server\'s own backups apply.');
  cmd.action((file: string, o: BackupOptions) => run(ctx, file, o));
}

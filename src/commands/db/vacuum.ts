import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { vacuumDatabase } from '../../db/sqlite-maintenance.js';
import { info } from '../../io.js';
import { emit, isJsonFormat, toJson } from '../../output/render.js';
import { examples } from '../common.js';
import { formatBytes } from './format.js';

export async function run(ctx: CliContext): Promise<void> {
  await (await import('../identity.js')).requirePermission(ctx, 'db.admin');
  const db = ctx.anyDb();
  if (db.engine === 'postgres') {
    const { vacuumPostgres } = await import('../../db/postgres/vacuum.js');
    const result = await vacuumPostgres(db);
    if (isJsonFormat(ctx.out)) emit(ctx.out, toJson(result) + '\n');
    info(ctx.io, `Vacuumed and analyzed ${result.path} (VACUUM (ANALYZE); the space is kept for reuse): ${formatBytes(result.beforeBytes)} → ${formatBytes(result.afterBytes)}.`);
    return;
  }
  const result = vacuumDatabase(db);
  if (isJsonFormat(ctx.out)) emit(ctx.out, toJson(result) + '\n');
  info(ctx.io, `Vacuumed ${result.path}: ${formatBytes(result.beforeBytes)} → ${formatBytes(result.afterBytes)}.`);
}

export function register(parent: Command, ctx: CliContext): void {
  const cmd = parent.command('vacuum').description('rebuild the file compactly (after large deletes or purges)');
  examples(cmd, ['crm db vacuum', 'crm db vacuum --json']);
  cmd.addHelpText('after', '\nWriters wait while it runs (it rewrites the whole file); readers are not blocked.\nOn PostgreSQL it runs VACUUM (ANALYZE): nobody waits, and the space is kept for reuse\nrather than given back (the server\'s autovacuum does the same on its own).');
  cmd.action(() => run(ctx));
}

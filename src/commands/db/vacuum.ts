import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { vacuumDatabase } from '../../db/sqlite-maintenance.js';
import { info } from '../../io.js';
import { emit, isJsonFormat, toJson } from '../../output/render.js';
import { examples } from '../common.js';
import { formatBytes } from './format.js';

export async function run(ctx: CliContext): Promise<void> {
  await (await import('../identity.js')).requirePermission(ctx, 'db.admin');
  const result = vacuumDatabase(ctx.db());
  if (isJsonFormat(ctx.out)) emit(ctx.out, toJson(result) + '\n');
  info(ctx.io, `Vacuumed ${result.path}: ${formatBytes(result.beforeBytes)} → ${formatBytes(result.afterBytes)}.`);
}

export function register(parent: Command, ctx: CliContext): void {
  const cmd = parent.command('vacuum').description('rebuild the file compactly (after large deletes or purges)');
  examples(cmd, ['crm db vacuum', 'crm db vacuum --json']);
  cmd.addHelpText('after', '\nWriters wait while it runs (it rewrites the whole file); readers are not blocked.');
  cmd.action(() => run(ctx));
}

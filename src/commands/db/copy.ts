import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import type { AnyDb } from '../../db/engine.js';
import { isPostgresUrl, redactUrl } from '../../db/postgres/url.js';
import { UsageError, UserError } from '../../errors.js';
import { info } from '../../io.js';
import { emit, isJsonFormat, toJson } from '../../output/render.js';
import { plural } from '../../output/plural.js';
import { examples } from '../common.js';

/** A SQLite path made absolute, a URL as given. */
function located(target: string): string {
  if (target.trim() === '') throw new UsageError('crm db copy was given an empty database.', 'crm db copy FROM TO: a SQLite file or a postgres:// URL each.');
  return isPostgresUrl(target) ? target : resolve(target);
}

async function open(target: string, as: 'source' | 'target'): Promise<AnyDb> {
  if (isPostgresUrl(target)) {
    const { openPostgres } = await (await import('../../db/postgres/load.js')).loadPostgresEngine();
    return openPostgres(target, { migrate: as === 'target' });
  }
  const { openDatabase } = await import('../../db/sqlite.js');
  return openDatabase(target, { migrate: as === 'target', create: as === 'target' });
}

async function versionOf(db: AnyDb): Promise<number> {
  if (db.engine === 'postgres') return db.schemaVersion();
  const { schemaVersion } = await import('../../db/sqlite.js');
  return schemaVersion(db.sqlite);
}

export async function run(ctx: CliContext, fromArg: string, toArg: string): Promise<void> {
  const from = located(fromArg);
  const to = located(toArg);
  const [shownFrom, shownTo] = [redactUrl(from), redactUrl(to)];
  if (from === to) throw new UsageError(`crm db copy needs two different databases (both are ${shownTo}).`, 'crm db copy crm.db postgres://crm@db.example.com/crm');
  const { latestVersion } = await import('../../db/migrations/index.js');
  const source = await open(from, 'source');
  let target: AnyDb | undefined;
  try {
    const version = await versionOf(source);
    if (version !== latestVersion) {
      throw new UserError(
        `${shownFrom} has schema version ${version}, this crm copies version ${latestVersion}.`,
        version < latestVersion ? `Upgrade it first: crm db migrate --db ${isPostgresUrl(from) ? 'FROM' : fromArg}` : 'Upgrade crm before copying this database.',
        'copy_version',
      );
    }
    target = await open(to, 'target');
    const { copyDatabase } = await import('../../db/copy.js');
    const result = await copyDatabase(source, target, shownTo);
    if (isJsonFormat(ctx.out)) emit(ctx.out, toJson({ from: shownFrom, to: shownTo, schemaVersion: latestVersion, ...result }) + '\n');
    const filled = result.tables.filter((t) => t.rows > 0).length;
    info(ctx.io, `Copied ${plural(result.rows, 'row')} in ${plural(filled, 'table')} from ${shownFrom} to ${shownTo} (schema version ${latestVersion}).`);
  } finally {
    await target?.close();
    await source.close();
  }
}

export function register(parent: Command, ctx: CliContext): void {
  const cmd = parent
    .command('copy')
    .description('copy a whole database to an empty one, SQLite ↔ PostgreSQL (ids, history and audit log included)')
    .argument('<from>', 'the database to copy: a SQLite file or a postgres:// URL')
    .argument('<to>', 'an empty database: a new SQLite file, or a PostgreSQL database (migrated by the copy)');
  examples(cmd, [
    'crm db copy ~/.local/share/crm/crm.db postgres://crm@db.example.com/crm   # move to a server',
    'crm db copy postgres://crm@db.example.com/crm laptop.db                  # and back',
    'crm db copy crm.db postgres:///crm --json',
  ]);
  cmd.addHelpText(
    'after',
    '\nEvery table is copied in one transaction on TO (all or nothing) from one snapshot of FROM,\nwhich may stay in use meanwhile. TO must hold no data: only the rows crm\'s migrations put\nthere (default pipeline and stages, lost reasons, SLA policy) are replaced. FROM must be at\nthis crm\'s schema version (crm db migrate --db FROM).',
  );
  cmd.action((from: string, toTarget: string) => run(ctx, from, toTarget));
}

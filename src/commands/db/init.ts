import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { prepareDatabaseFile } from '../../db/sqlite-maintenance.js';
import { alignCompanionPermissions } from '../../db/sqlite-fs.js';
import { schemaVersion } from '../../db/sqlite.js';
import { UserError } from '../../errors.js';
import { info, warn } from '../../io.js';
import { emit, isJsonFormat, toJson } from '../../output/render.js';
import { examples } from '../common.js';

export interface InitOptions {
  sharedGroup?: string;
}

export function run(ctx: CliContext, o: InitOptions): void {
  const path = ctx.dbPath();
  if (path === ':memory:') throw new UserError('An in-memory database needs no init.', 'Pass --db PATH.');
  const prepared = prepareDatabaseFile(path, { sharedGroup: o.sharedGroup });
  const db = ctx.db({ create: true }); // creates the schema (or upgrades it) and switches to WAL
  alignCompanionPermissions(path);
  const result = { ...prepared, schemaVersion: schemaVersion(db.sqlite), journalMode: String(db.sqlite.pragma('journal_mode', { simple: true })) };
  if (isJsonFormat(ctx.out)) emit(ctx.out, toJson(result) + '\n');
  else emit(ctx.out, path + '\n');
  for (const w of prepared.warnings) warn(ctx.io, w);
  const access = o.sharedGroup ? `mode ${result.mode}, group ${o.sharedGroup}` : `mode ${result.mode}, private to you`;
  info(ctx.io, `${prepared.created ? 'Created' : 'Checked'} ${path} (${access}, schema version ${result.schemaVersion}, journal ${result.journalMode}).`);
}

/** The options, help and action of `crm init` and `crm db init` (one command under two names). */
export function configure(cmd: Command, ctx: CliContext, name: string): void {
  cmd
    .description('create the database file: private (0600), or shared with a group (0660)')
    .option('--shared-group <group>', 'make the file (and its -wal/-shm files) read-write for this group');
  examples(cmd, [`crm ${name}`, `crm --db /srv/crm/team.db ${name} --shared-group sales`, `crm --db /srv/crm/team.db ${name} --shared-group sales   # again: fixes permissions of an existing file`]);
  cmd.addHelpText(
    'after',
    '\nWith --shared-group the folder also gets the group and the setgid bit (g+rwxs) when you own\nit: SQLite creates the -wal and -shm files there, and each member must be able to write them.',
  );
  cmd.action((o: InitOptions) => run(ctx, o));
}

export function register(parent: Command, ctx: CliContext): void {
  configure(parent.command('init'), ctx, 'db init');
}

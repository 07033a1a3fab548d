import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { prepareDatabaseFile } from '../../db/sqlite-maintenance.js';
import { alignCompanionPermissions } from '../../db/sqlite-fs.js';
import { schemaVersion } from '../../db/sqlite.js';
import { UsageError, UserError } from '../../errors.js';
import { info, warn } from '../../io.js';
import { emit, isJsonFormat, toJson } from '../../output/render.js';
import { examples } from '../common.js';

export interface InitOptions {
  sharedGroup?: string;
  currency?: string;
  timezone?: string;
  weekStart?: string;
}

export async function run(ctx: CliContext, o: InitOptions): Promise<void> {
  if (ctx.engine() === 'postgres') return runOnPostgres(ctx, o);
  const path = ctx.dbPath();
  if (path === ':memory:') throw new UserError('An in-memory database needs no init.', 'Pass --db PATH.');
  const prepared = prepareDatabaseFile(path, { sharedGroup: o.sharedGroup });
  const db = ctx.db({ create: true }); // creates the schema (or upgrades it) and switches to WAL
  alignCompanionPermissions(path);
  const first = await setUpFirstRun(ctx, o, prepared.created);
  const result = { ...prepared, schemaVersion: schemaVersion(db.sqlite), journalMode: String(db.sqlite.pragma('journal_mode', { simple: true })), ...first };
  if (isJsonFormat(ctx.out)) emit(ctx.out, toJson(result) + '\n');
  else emit(ctx.out, path + '\n');
  for (const w of prepared.warnings) warn(ctx.io, w);
  const access = o.sharedGroup ? `mode ${result.mode}, group ${o.sharedGroup}` : `mode ${result.mode}, private to you`;
  info(ctx.io, `${prepared.created ? 'Created' : 'Checked'} ${path} (${access}, schema version ${result.schemaVersion}, journal ${result.journalMode}).`);
  if (first.admin) info(ctx.io, `You (${ctx.login()}) are its first admin: crm user ${first.admin.handle}. Add your team with: crm user add HANDLE --name "…" --role rep`);
  const d = first.defaults;
  info(ctx.io, `Defaults: currency ${d.currency ?? '-'}, time zone ${d.timezone ?? '-'}, week starts ${d.weekStart ?? '-'} (change: crm init --currency EUR --timezone Europe/Berlin --week-start monday).`);
}

/**
 * `crm init` on PostgreSQL: the database itself is the server's (CREATE DATABASE, README); crm
 * applies the migrations (already done on open), makes the invoking login its first admin and
 * stores the defaults — the same first run as a new file.
 */
async function runOnPostgres(ctx: CliContext, o: InitOptions): Promise<void> {
  if (o.sharedGroup !== undefined) {
    throw new UsageError('--shared-group sets a SQLite file\'s permissions; a PostgreSQL database has none.', 'Give each person a role with the privileges README "Running on PostgreSQL" lists, then: crm init', 'usage');
  }
  const db = ctx.pgDb('crm init');
  const first = await setUpFirstRun(ctx, o, false);
  const result = { path: db.path, engine: 'postgres', schemaVersion: await db.schemaVersion(), ...first };
  if (isJsonFormat(ctx.out)) emit(ctx.out, toJson(result) + '\n');
  else emit(ctx.out, db.path + '\n');
  info(ctx.io, `Checked ${db.path} (PostgreSQL, schema version ${result.schemaVersion}).`);
  if (first.admin) info(ctx.io, `You (${ctx.login()}) are its first admin: crm user ${first.admin.handle}. Add your team with: crm user add HANDLE --name "…" --role rep`);
  const d = first.defaults;
  info(ctx.io, `Defaults: currency ${d.currency ?? '-'}, time zone ${d.timezone ?? '-'}, week starts ${d.weekStart ?? '-'} (change: crm init --currency EUR --timezone Europe/Berlin --week-start monday).`);
}

/**
 * The first run: the invoking login becomes the first admin (when the database has none), and the
 * defaults are stored — from the flags, else asked on a terminal, else (a new file) the system's zone,
 * Monday and USD.
 */
async function setUpFirstRun(ctx: CliContext, o: InitOptions, created: boolean) {
  const { ensureFirstAdmin } = await import('../../domain/identity.js');
  const { readDefaults, writeDefaults } = await import('../../domain/settings.js');
  const s = { db: ctx.anyDb(), now: () => ctx.clock.now(), actor: ctx.login(), timeZone: 'UTC' };
  const madeAdmin = await ensureFirstAdmin(s, ctx.login());
  const current = await readDefaults(s);
  // Changing the defaults of a database in use is an admin's job (db.admin).
  const changing = (['currency', 'timezone', 'weekStart'] as const).some((k) => o[k] !== undefined && current[k] !== null);
  if (changing && !madeAdmin) await (await import('../identity.js')).requirePermission(ctx, 'db.admin');
  const wanted: { currency?: string; timezone?: string; weekStart?: string } = { currency: o.currency, timezone: o.timezone, weekStart: o.weekStart };
  const systemZone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  const fallback = { currency: current.currency ?? 'USD', timezone: current.timezone ?? (ctx.env.TZ?.replace(/^:/, '') || systemZone), weekStart: current.weekStart ?? 'monday' };
  const ask = ctx.io.isInteractive && (created || !current.timezone);
  for (const [key, question] of [
    ['currency', 'Home currency'],
    ['timezone', 'Time zone'],
    ['weekStart', 'Week starts on'],
  ] as const) {
    if (wanted[key] !== undefined) continue;
    if (ask) {
      const answer = (await ctx.io.prompt(`${question} [${fallback[key]}]: `)).trim();
      wanted[key] = answer || fallback[key];
    } else if (current[key] === null) wanted[key] = fallback[key];
  }
  const defaults = await writeDefaults(s, wanted);
  return { admin: madeAdmin ? { handle: madeAdmin.user.handle, created: madeAdmin.created } : null, defaults };
}

/** The options, help and action of `crm init` and `crm db init` (one command under two names). */
export function configure(cmd: Command, ctx: CliContext, name: string): void {
  cmd
    .description('create the database file (private 0600, or shared with a group 0660), make you its first admin, set defaults')
    .option('--shared-group <group>', 'make the file (and its -wal/-shm files) read-write for this group')
    .option('--currency <code>', 'home currency (ISO code, default USD)')
    .option('--timezone <zone>', "the team's default time zone (default: yours)")
    .option('--week-start <day>', 'first day of the week: monday (default), sunday, saturday …');
  examples(cmd, [`crm ${name}`, `crm ${name} --currency EUR --timezone Europe/Berlin --week-start monday`, `crm --db /srv/crm/team.db ${name} --shared-group sales`, `crm --db /srv/crm/team.db ${name} --shared-group sales   # again: fixes permissions of an existing file`]);
  cmd.addHelpText(
    'after',
    '\nWith --shared-group the folder also gets the group and the setgid bit (g+rwxs) when you own\nit: SQLite creates the -wal and -shm files there, and each member must be able to write them.',
  );
  cmd.action((o: InitOptions) => run(ctx, o));
}

export function register(parent: Command, ctx: CliContext): void {
  configure(parent.command('init'), ctx, 'db init');
}

import { existsSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { latestVersion, migrations } from '../../db/migrations/index.js';
import { redactUrl } from '../../db/postgres/url.js';
import { migrate, pendingMigrations, schemaVersion } from '../../db/sqlite.js';
import { CheckFailedError } from '../../errors.js';
import { info } from '../../io.js';
import { emit, isJsonFormat, printRecord, toJson } from '../../output/render.js';
import { examples } from '../common.js';
import * as backup from './backup.js';
import * as check from './check.js';
import * as grant from './grant.js';
import * as copy from './copy.js';
import * as init from './init.js';
import * as restore from './restore.js';
import * as vacuum from './vacuum.js';
import { plural } from '../../output/plural.js';

export function register(noun: Command, ctx: CliContext): void {
  examples(noun.command('path').description('print the database path in use (creates nothing)'), ['crm db path', 'CRM_DB=team.db crm db path']).action(() => {
    const path = ctx.dbPath();
    if (ctx.engine() === 'postgres') {
      // A server database: its URL as shown to people (never its password); nothing is opened.
      const shown = redactUrl(path);
      if (isJsonFormat(ctx.out)) emit(ctx.out, toJson({ path: shown, engine: 'postgres' }) + '\n');
      else emit(ctx.out, shown + '\n');
      return;
    }
    if (isJsonFormat(ctx.out)) emit(ctx.out, toJson({ path, exists: existsSync(path) }) + '\n');
    else emit(ctx.out, path + '\n');
  });

  const status = noun.command('status').description('schema version and pending migrations; exit 3 if out of date');
  examples(status, ['crm db status', 'crm --no-migrate db status   # check without upgrading', 'crm db status --json']);
  status.action(async () => {
    if (ctx.engine() === 'postgres') return postgresStatus(ctx);
    const path = ctx.dbPath();
    if (path !== ':memory:' && !existsSync(path)) {
      const record = { path, exists: false, version: 0, latestVersion, pending: migrations.map((m) => ({ version: m.version, name: m.name })) };
      printRecord(ctx.out, record, [
        { key: 'path', label: 'Path' },
        { key: 'exists', label: 'Exists', format: 'bool' },
      ]);
      throw new CheckFailedError(`No database at ${path} yet.`, 'Create it with: crm init (or crm demo for sample data)', 'db_missing');
    }
    const db = ctx.db();
    const version = schemaVersion(db.sqlite);
    const pending = pendingMigrations(db.sqlite).map((m) => ({ version: m.version, name: m.name }));
    const record = {
      path,
      exists: true,
      version,
      latestVersion,
      pending,
      journalMode: String(db.sqlite.pragma('journal_mode', { simple: true })),
      sizeBytes: path === ':memory:' ? 0 : statSync(path).size,
    };
    printRecord(ctx.out, record, [
      { key: 'path', label: 'Path' },
      { key: 'version', label: 'Schema version', format: 'int' },
      { key: 'latestVersion', label: 'Latest known', format: 'int' },
      { key: 'pending', label: 'Pending', get: (r) => (r.pending.length ? r.pending.map((p) => `${p.version} ${p.name}`).join(', ') : 'none') },
      { key: 'journalMode', label: 'Journal' },
      { key: 'sizeBytes', label: 'Size (bytes)', format: 'int' },
    ]);
    if (pending.length) throw new CheckFailedError(`${plural(pending.length, 'migration')} pending.`, 'Apply them with: crm db migrate', 'migrations_pending');
  });

  const mig = noun.command('migrate').description('apply pending migrations (a backup copy is written first when the database holds data)');
  examples(mig, ['crm db migrate', 'crm db migrate --db team.db']);
  mig.action(async () => {
    if (ctx.engine() === 'postgres') return postgresMigrate(ctx);
    ctx.globals.migrate = false;
    const db = ctx.db();
    const result = migrate(db.sqlite, db.path, { lock: db.lock });
    if (isJsonFormat(ctx.out)) emit(ctx.out, toJson(result) + '\n');
    if (result.from === result.to) info(ctx.io, `Database is up to date (schema version ${result.to}).`);
    else info(ctx.io, `Migrated ${db.path} from version ${result.from} to ${result.to}.${result.backup ? ` Backup: ${result.backup}` : ''}`);
  });

  init.register(noun, ctx);
  grant.register(noun, ctx);
  backup.register(noun, ctx);
  restore.register(noun, ctx);
  check.register(noun, ctx);
  copy.register(noun, ctx);
  vacuum.register(noun, ctx);
}

/** `crm db status` on PostgreSQL: the same record, with the server's version instead of the journal mode. */
async function postgresStatus(ctx: CliContext): Promise<void> {
  const db = ctx.pgDb('crm db status');
  const version = await db.schemaVersion();
  const pending = db.migrations.filter((m) => m.version > version).map((m) => ({ version: m.version, name: m.name }));
  const { serverVersion, sizeBytes } = await db.serverInfo();
  const record = { path: db.path, engine: 'postgres', exists: true, version, latestVersion: db.migrations.at(-1)?.version ?? 0, pending, serverVersion, sizeBytes };
  printRecord(ctx.out, record, [
    { key: 'path', label: 'Database' },
    { key: 'version', label: 'Schema version', format: 'int' },
    { key: 'latestVersion', label: 'Latest known', format: 'int' },
    { key: 'pending', label: 'Pending', get: (r) => (r.pending.length ? r.pending.map((p) => `${p.version} ${p.name}`).join(', ') : 'none') },
    { key: 'serverVersion', label: 'PostgreSQL' },
    { key: 'sizeBytes', label: 'Size (bytes)', format: 'int' },
  ]);
  if (pending.length) throw new CheckFailedError(`${pending.length} migration(s) pending.`, 'Apply them with: crm db migrate', 'migrations_pending');
}

/** `crm db migrate` on PostgreSQL: under the advisory lock; the server's own backups apply (no copy is written). */
async function postgresMigrate(ctx: CliContext): Promise<void> {
  const db = ctx.pgDb('crm db migrate');
  const result = await db.migrate();
  if (isJsonFormat(ctx.out)) emit(ctx.out, toJson(result) + '\n');
  if (result.from === result.to) info(ctx.io, `Database is up to date (schema version ${result.to}).`);
  else info(ctx.io, `Migrated ${db.path} from version ${result.from} to ${result.to}.`);
}

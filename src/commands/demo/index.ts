import { redactUrl } from '../../db/postgres/url.js';
import { existsSync, rmSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { seedDemo } from '../../db/demo/index.js';
import { UserError } from '../../errors.js';
import { info } from '../../io.js';
import { emit, isJsonFormat, toJson } from '../../output/render.js';
import { colors } from '../../output/color.js';
import { examples } from '../common.js';

/** Commands to try, grouped by area. `crm` is the launcher the user ran (npx crm from a clone). */
function tour(crm: string): string[] {
  const lines: [string, string][] = [
    ['Contacts', ''],
    [`${crm} contact list lifecycle:customer +vip`, 'the filter language: crm help filters'],
    [`${crm} contact find رحیمی`, 'any script, case-insensitive'],
    [`${crm} company show 1 --json`, ''],
    ['Sales', ''],
    [`${crm} pipeline`, 'per stage, per currency, weighted'],
    [`${crm} deal list 'stale:>30d' --sort stale`, 'open deals stuck in their stage'],
    [`${crm} report win-rate --by owner`, ''],
    ['Support', ''],
    [`${crm} queue --as support.anna`, 'her tickets, most urgent first'],
    [`${crm} ticket list --breaching`, 'SLA clocks past their target'],
    [`${crm} report sla --by assignee`, "this month's SLA compliance"],
    ['Every day', ''],
    [`${crm} agenda --owner all --days 1`, 'overdue, today, upcoming'],
    [`${crm} log call 1 "Discussed the Q1 order" --next "Send quote" --due "next friday"`, ''],
    [`${crm} report kpi`, 'one screen for a cron mail'],
    [`${crm} tui`, 'full-screen pipeline board, queue, contacts, agenda'],
  ];
  const width = Math.max(...lines.filter(([, c]) => c).map(([l]) => l.length));
  return lines.map(([l, c]) => (l.startsWith(crm) ? `  ${c ? l.padEnd(width) + '  # ' + c : l}` : `${l}:`));
}

export function register(noun: Command, ctx: CliContext): void {
  noun
    .description('create a demo database with realistic data and print a tour of commands to try')
    .option('-y, --yes', 'replace an existing database at that path')
    .option('--seed <n>', 'random seed (same seed and CRM_NOW give the same data)', (v) => Number(v))
    .action(async (o: { yes?: boolean; seed?: number }) => {
      const path = ctx.engine() === 'postgres' ? ctx.anyDb().path : ctx.dbPath();
      if (ctx.engine() === 'postgres') {
        // A server database is never dropped or emptied by crm: the demo goes into an empty one.
        const db = ctx.anyDb();
        for (const table of ['users', 'companies', 'contacts', 'deals', 'tickets', 'activities'] as const) {
          if (await db.kysely.selectFrom(table).select('id').limit(1).executeTakeFirst()) {
            throw new UserError(`${path} already holds data (${table}).`, 'crm demo seeds an empty PostgreSQL database only: create one (CREATE DATABASE crm_demo OWNER crm) and point --db at it.', 'exists');
          }
        }
      } else if (path !== ':memory:' && existsSync(path) && statSync(path).size > 0) {
        if (!o.yes) {
          throw new UserError(`${path} already exists.`, `Replace it with: crm demo --yes${ctx.globals.db ? ` --db ${ctx.globals.db}` : ''} — or use another file: crm demo --db demo.db`, 'exists');
        }
        for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
      }
      const started = Date.now();
      const db = ctx.engine() === 'postgres' ? ctx.anyDb() : ctx.db({ create: true });
      const counts = await seedDemo(db, { now: ctx.clock.now(), seed: o.seed });
      // You run the demo: your login is its admin, so every command (and --as one of the demo people) works.
      await (await import('../../domain/identity.js')).ensureFirstAdmin({ db, now: () => ctx.clock.now() }, ctx.login(), { evenIfAdminExists: true });
      if (isJsonFormat(ctx.out)) {
        emit(ctx.out, toJson({ path, counts }) + '\n');
        return;
      }
      const c = colors(ctx.io);
      // From a fresh clone the user ran `npx crm`; echo that so the lines can be pasted.
      const launcher = ctx.env.npm_command === 'exec' ? 'npx crm' : 'crm';
      // Never echo a password: a server URL is shown redacted.
      const crm = ctx.globals.db ? `${launcher} --db ${ctx.engine() === 'postgres' ? redactUrl(ctx.globals.db) : ctx.globals.db}` : launcher;
      const summary = Object.entries(counts).filter(([, n]) => n > 0).map(([k, n]) => `${n} ${k}`).join(', ');
      info(ctx.io, `Seeded ${path} in ${Date.now() - started} ms.`);
      emit(
        ctx.out,
        [
          c.bold('Northwind Industrial Supply — demo CRM'),
          `An international distributor: head office in Pennsylvania, reps in Germany, Japan, the Gulf,`,
          `Iran, Brazil, China and Russia. ${summary}.`,
          `Database: ${path}`,
          '',
          c.bold('Try these:'),
          ...tour(crm),
          '',
        ].join('\n') + '\n',
      );
    });
  examples(noun, ['crm demo', 'crm demo --db /tmp/demo.db', 'crm demo --yes   # start over']);
}

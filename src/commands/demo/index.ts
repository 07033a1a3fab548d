import { existsSync, rmSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { seedDemo } from '../../db/demo/index.js';
import { UserError } from '../../errors.js';
import { info } from '../../io.js';
import { emit, isJsonFormat, toJson } from '../../output/render.js';
import { colors } from '../../output/color.js';
import { examples } from '../common.js';

function tour(dbFlag: string): string[] {
  return [
    `crm${dbFlag} contact list lifecycle:customer +vip`,
    `crm${dbFlag} contact find رحیمی                 # any script, case-insensitive`,
    `crm${dbFlag} contact find müller --json`,
    `crm${dbFlag} company list country:japan`,
    `crm${dbFlag} company show 1`,
    `crm${dbFlag} user list`,
    `crm${dbFlag} pipeline                            # per stage, per currency, weighted`,
    `crm${dbFlag} deal list 'stale:>30d' --sort stale  # open deals stuck in their stage`,
    `crm${dbFlag} deal list status:lost reason:price --json`,
    `crm${dbFlag} contact list created:this-month | head`,
    `crm${dbFlag} history contact 1`,
    `crm${dbFlag} queue --as support.anna               # her tickets, most urgent first`,
    `crm${dbFlag} ticket list --breaching               # SLA clocks past their target`,
    `crm${dbFlag} report sla --by assignee              # this month's SLA compliance per agent`,
    `crm${dbFlag} agenda --owner all --days 1 | less    # overdue, today, upcoming`,
    `crm${dbFlag} log call 1 "Discussed the Q1 order" --next "Send quote" --due "next friday"`,
    `crm${dbFlag} report untouched --days 365         # who has not heard from us in a year`,
    `crm help filters`,
  ];
}

export function register(noun: Command, ctx: CliContext): void {
  noun
    .description('create a demo database with realistic data and print a tour of commands to try')
    .option('-y, --yes', 'replace an existing database at that path')
    .option('--seed <n>', 'random seed (same seed and CRM_NOW give the same data)', (v) => Number(v))
    .action(async (o: { yes?: boolean; seed?: number }) => {
      const path = ctx.dbPath();
      if (path !== ':memory:' && existsSync(path) && statSync(path).size > 0) {
        if (!o.yes) {
          throw new UserError(`${path} already exists.`, `Replace it with: crm demo --yes${ctx.globals.db ? ` --db ${ctx.globals.db}` : ''} — or use another file: crm demo --db demo.db`, 'exists');
        }
        for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
      }
      const started = Date.now();
      const counts = await seedDemo(ctx.db(), { now: ctx.clock.now(), seed: o.seed });
      if (isJsonFormat(ctx.out)) {
        emit(ctx.out, toJson({ path, counts }) + '\n');
        return;
      }
      const c = colors(ctx.io);
      const dbFlag = ctx.globals.db ? ` --db ${ctx.globals.db}` : '';
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
          c.bold('Try:'),
          ...tour(dbFlag).map((l) => '  ' + l),
          '',
        ].join('\n') + '\n',
      );
    });
  examples(noun, ['crm demo', 'crm demo --db /tmp/demo.db', 'crm demo --yes   # start over']);
}

/** `crm automate run [--dry-run]`: the cron job of automation (README "Automation"). */
import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { UserError } from '../../errors.js';
import { info, warn } from '../../io.js';
import type { ListView } from '../../output/columns.js';
import { emit, isJsonFormat, printList, toJson } from '../../output/render.js';
import { examples } from '../common.js';
import { sessionOf } from '../session.js';
import type { Firing } from '../../automation/engine.js';

const view: ListView<Firing> = [
  { key: 'rule', label: 'Rule' },
  { key: 'record', label: 'Record' },
  { key: 'outcome', label: 'Outcome', maxWidth: 30 },
  { key: 'actions', label: 'Actions', format: 'list', maxWidth: 60 },
  { key: 'why', label: 'Why', maxWidth: 40 },
];

export function register(noun: Command, ctx: CliContext): void {
  noun.description('run automation rules: drain the event outbox and evaluate time triggers (cron: * * * * * crm automate run)');
  const run = noun
    .command('run')
    .description('fire every due rule once per record per occurrence (safe to run as often as you like, and from several hosts)')
    .option('--dry-run', 'show what would fire and why; change nothing')
    .option('--rule <name>', 'only this rule');
  examples(run, ['crm automate run', 'crm automate run --dry-run', '* * * * * crm automate run   # crontab: every minute']);
  run.action(async (o: { dryRun?: boolean; rule?: string }) => {
    const { runAutomation } = await import('../../automation/engine.js');
    const r = await runAutomation(sessionOf(ctx), { dryRun: o.dryRun, rule: o.rule });
    if (isJsonFormat(ctx.out)) emit(ctx.out, toJson(r) + '\n');
    else printList(ctx.out, view, r.fired);
    info(ctx.io, `${r.dryRun ? 'Dry run: ' : ''}${r.events} event${r.events === 1 ? '' : 's'} read, ${r.fired.length} firing${r.fired.length === 1 ? '' : 's'}${r.dryRun ? ' would happen (nothing was changed)' : ''}`);
    for (const p of r.problems) warn(ctx.io, p);
    if (r.problems.length) {
      throw new UserError(`${r.problems.length === 1 ? '1 firing' : `${r.problems.length} firings`} ran but could not record ${r.problems.length === 1 ? 'its result' : 'their results'} (see above); every other firing was processed.`, 'crm rule history NAME shows what was recorded; automate run --json printed the full results.', 'result_not_recorded');
    }
  });

  const command = noun.command('command').description("the commands rules may run (run: NAME) — an admin's job: db.admin; nothing runs unless configured here");
  const set = command
    .command('set')
    .description('configure (or replace) a command: a program and its arguments, run without a shell, the event as JSON on stdin')
    .argument('<name>', 'the name rules use (run: NAME)')
    .argument('<argv...>', 'after --: the program and its arguments')
    .option('--timeout <duration>', 'kill it (its whole process group) after this long: 1s … 10m', '10s');
  examples(set, ['crm automate command set slack -- /usr/local/bin/notify-slack --channel sales', 'crm automate command set erp --timeout 30s -- /opt/erp/bin/new-order --site 2', 'crm rule add won-to-erp --on deal.won --run erp --enable']);
  set.action(async (name: string, argv: string[], o: { timeout: string }) => {
    const { parseTimeout, setCommand } = await import('../../automation/commands.js');
    const c = await setCommand(sessionOf(ctx), name, argv, parseTimeout(o.timeout));
    if (isJsonFormat(ctx.out)) emit(ctx.out, toJson(c) + '\n');
    info(ctx.io, `Command ${c.name}: ${c.argv.join(' ')} (timeout ${c.timeoutMs / 1000}s) — a rule runs it with: run: ${c.name}`);
  });
  const list = command.command('list').alias('ls').description('the configured commands and the rules that run them');
  examples(list, ['crm automate command list', 'crm automate command list --json']);
  list.action(async () => {
    const { listCommandsWithRules } = await import('../../automation/commands.js');
    const rows = (await listCommandsWithRules(sessionOf(ctx))).map((c) => ({ ...c, timeout: `${c.timeoutMs / 1000}s` }));
    printList(
      ctx.out,
      [
        { key: 'name', label: 'Name' },
        { key: 'argv', label: 'Runs', format: 'list', maxWidth: 60 },
        { key: 'timeout', label: 'Timeout' },
        { key: 'rules', label: 'Rules', format: 'list', maxWidth: 40 },
      ],
      rows,
      { emptyMessage: 'No commands: rules run none. An admin adds one: crm automate command set NAME -- PROGRAM ARGS…' },
    );
  });
  const remove = command.command('remove').alias('rm').description('remove a command (rules that run it fail, recorded in their history, until it is set again)').argument('<name>');
  examples(remove, ['crm automate command remove slack']);
  remove.action(async (name: string) => {
    const { removeCommand } = await import('../../automation/commands.js');
    const r = await removeCommand(sessionOf(ctx), name);
    if (isJsonFormat(ctx.out)) emit(ctx.out, toJson(r) + '\n');
    info(ctx.io, `Removed command ${r.command.name}${r.rules.length ? ` — rules that still run it fail until it is set again: ${r.rules.join(', ')}` : ''}`);
  });
}

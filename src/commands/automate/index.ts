/** `crm automate run [--dry-run]`: the cron job of automation (README "Automation"). */
import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { info } from '../../io.js';
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
  });
}

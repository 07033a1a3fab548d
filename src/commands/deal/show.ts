import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { showDeal } from '../../domain/deals.js';
import { printRecord } from '../../output/render.js';
import { examples } from '../common.js';
import { sessionOf } from '../session.js';
import { dealContactView, dealFields, historyView, milestoneView, stageTimeView } from './views.js';

export async function run(ctx: CliContext, ref: string): Promise<void> {
  const d = await showDeal(sessionOf(ctx), ref);
  printRecord(ctx.out, d, dealFields, [
    { title: 'Contacts', view: dealContactView, rows: d.contacts },
    { title: 'Milestones', view: milestoneView, rows: d.milestones },
    { title: 'Stage history', view: historyView, rows: d.history },
    { title: 'Time in stage', view: stageTimeView, rows: d.timeInStage },
  ]);
}

export function register(parent: Command, ctx: CliContext): void {
  const cmd = parent.command('show').description('show a deal: contacts and roles, milestones, stage history, time in each stage').argument('<deal>', 'deal id');
  examples(cmd, ['crm deal show 1', 'crm deal show 1 --json     # history and timeInStage (seconds and a human duration)']);
  cmd.action((ref: string) => run(ctx, ref));
}

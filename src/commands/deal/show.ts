import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { showDeal } from '../../domain/deals.js';
import { timelineFor } from '../../domain/timeline.js';
import { printRecord } from '../../output/render.js';
import { timelineOption, timelineSection } from '../activity/timeline.js';
import { examples } from '../common.js';
import { sessionOf } from '../session.js';
import { customFieldRows } from '../custom-fields.js';
import { dealContactView, dealFields, historyView, milestoneView, stageTimeView } from './views.js';

export async function run(ctx: CliContext, ref: string, o: { timelineLimit?: number } = {}): Promise<void> {
  const s = sessionOf(ctx);
  const d = await showDeal(s, ref);
  const timeline = await timelineFor(s, { dealId: d.id }, { limit: o.timelineLimit });
  printRecord(ctx.out, { ...d, timeline }, [...dealFields, ...(await customFieldRows(s, 'deal', d))], [
    { title: 'Contacts', view: dealContactView, rows: d.contacts },
    { title: 'Milestones', view: milestoneView, rows: d.milestones },
    { title: 'Stage history', view: historyView, rows: d.history },
    { title: 'Time in stage', view: stageTimeView, rows: d.timeInStage },
    ...(o.timelineLimit === 0 ? [] : [timelineSection(timeline)]),
  ]);
}

export function register(parent: Command, ctx: CliContext): void {
  const cmd = timelineOption(parent.command('show').description('show a deal: contacts and roles, milestones, stage history, time in each stage, timeline').argument('<deal>', 'deal id'));
  examples(cmd, ['crm deal show 1', 'crm deal show 1 --timeline-limit 50', 'crm deal show 1 --json     # history and timeInStage (seconds and a human duration)']);
  cmd.action((ref: string, o: { timelineLimit?: number }) => run(ctx, ref, o));
}

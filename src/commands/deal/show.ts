import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { showDeal } from '../../domain/deals.js';
import { timelineFor } from '../../domain/timeline.js';
import { printRecord } from '../../output/render.js';
import { timelineOption, timelineSection } from '../activity/timeline.js';
import { examples } from '../common.js';
import { sessionOf } from '../session.js';
import { customFieldRows } from '../custom-fields.js';
import { listDealLines } from '../../domain/deal-lines.js';
import { quotesOfDeal } from '../../domain/quotes.js';
import { lineView } from '../sales/views.js';
import { dealQuoteView } from './views.js';
import { dealContactView, dealFields, historyView, milestoneView, stageTimeView } from './views.js';

export async function run(ctx: CliContext, ref: string, o: { timelineLimit?: number } = {}): Promise<void> {
  const s = sessionOf(ctx);
  const d = await showDeal(s, ref);
  const timeline = await timelineFor(s, { dealId: d.id }, { limit: o.timelineLimit });
  const { lines, totals } = await listDealLines(s, String(d.id));
  const quotes = await quotesOfDeal(s, d.id);
  // amountFrom: "lines" when the amount is the sum of the product lines' nets, else "entered".
  const shown = { ...d, amountFrom: lines.length ? 'lines' : 'entered', lines, totals: lines.length ? totals : null, quotes: quotes.map((q) => ({ number: q.label, status: q.status, validUntil: q.validUntil, total: q.totals.total, order: q.order })), timeline };
  const amountField = { key: 'amountFrom', label: 'Amount from', get: () => (lines.length ? `${lines.length} product line${lines.length === 1 ? '' : 's'} (net, before tax)` : 'entered') };
  const fields = dealFields.flatMap((f) => (f.key === 'amount' ? [f, amountField] : [f])) as typeof dealFields;
  printRecord(ctx.out, shown, [...fields, ...(await customFieldRows(s, 'deal', d))], [
    { title: 'Contacts', view: dealContactView, rows: d.contacts },
    ...(lines.length ? [{ title: 'Lines', view: lineView, rows: lines }] : []),
    { title: 'Quotes', view: dealQuoteView, rows: shown.quotes },
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

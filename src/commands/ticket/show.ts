import type { Command } from 'commander';
import { customFieldRows } from '../custom-fields.js';
import type { CliContext } from '../../context.js';
import { listActivities } from '../../domain/activities.js';
import { showTicket, type TicketEventRecord } from '../../domain/tickets.js';
import { timelineFor } from '../../domain/timeline.js';
import { printRecord } from '../../output/render.js';
import { timelineOption } from '../activity/timeline.js';
import { examples } from '../common.js';
import { sessionOf } from '../session.js';
import { slaRows, slaView, ticketFields, timelineView } from './views.js';

export async function run(ctx: CliContext, ref: string, o: { timelineLimit?: number } = {}): Promise<void> {
  const s = sessionOf(ctx);
  const t = await showTicket(s, ref);
  // The ticket's own event log, interleaved with calls, notes and tasks logged on the ticket (crm log … ticket:ID).
  const activities = (await listActivities(s, { scope: 'all', filter: [`ticket:${t.id}`] })).rows;
  const rows: TicketEventRecord[] = [
    ...t.events,
    ...activities.map((a) => ({ id: a.id, kind: a.status ? `${a.kind} (${a.status})` : a.kind, at: a.occurredAt ?? a.doneAt ?? a.dueAt ?? a.createdAt, actor: a.createdBy, body: a.subject, from: null, to: null })),
  ].sort((a, b) => a.at.localeCompare(b.at));
  const shown = o.timelineLimit === undefined ? rows : rows.slice(Math.max(0, rows.length - o.timelineLimit));
  const timeline = await timelineFor(s, { ticketId: t.id }, { limit: o.timelineLimit });
  printRecord(ctx.out, { ...t, timeline }, [...ticketFields, ...(await customFieldRows(s, 'ticket', t))], [
    { title: 'Description', text: t.description ?? '' },
    { title: 'SLA', view: slaView, rows: slaRows(t, ctx.timeZone) },
    ...(o.timelineLimit === 0 ? [] : [{ title: 'Timeline', view: timelineView, rows: shown }]),
  ]);
}

export function register(parent: Command, ctx: CliContext): void {
  const cmd = timelineOption(parent.command('show').description('one ticket: fields, SLA states and the timeline (events and logged activities)').argument('<id>', 'ticket id'), `all on a terminal, the last 20 in JSON`);
  examples(cmd, ['crm ticket show 1', 'crm ticket show 1 --timeline-limit 10', 'crm ticket show 1 --json | jq .sla']);
  cmd.action((ref: string, o: { timelineLimit?: number }) => run(ctx, ref, o));
}

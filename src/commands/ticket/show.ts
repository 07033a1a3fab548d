import type { Command } from 'commander';
import { customFieldRows } from '../custom-fields.js';
import type { CliContext } from '../../context.js';
import { listActivities } from '../../domain/activities.js';
import { articlesForTicket } from '../../domain/kb.js';
import { problemsForTicket } from '../../domain/problems.js';
import type { Session } from '../../domain/session.js';
import { showTicket, type TicketEventRecord } from '../../domain/tickets.js';
import type { ListView } from '../../output/columns.js';
import { timelineFor } from '../../domain/timeline.js';
import { printRecord } from '../../output/render.js';
import { timelineOption } from '../activity/timeline.js';
import { examples } from '../common.js';
import { sessionOf } from '../session.js';
import { slaRows, slaView, ticketFields, timelineView } from './views.js';

/** What a ticket is linked to: its problems (root causes) and knowledge-base articles. */
export async function ticketLinks(s: Session, ticketId: number) {
  return { problems: await problemsForTicket(s, ticketId), articles: await articlesForTicket(s, ticketId) };
}

type Links = Awaited<ReturnType<typeof ticketLinks>>;
const problemsView: ListView<Links['problems'][number]> = [
  { key: 'id', label: 'Problem', format: 'int' },
  { key: 'status', label: 'Status' },
  { key: 'title', label: 'Title', maxWidth: 50 },
  { key: 'fixVersion', label: 'Fix' },
];
const articlesView: ListView<Links['articles'][number]> = [
  { key: 'id', label: 'Article', format: 'int' },
  { key: 'audience', label: 'Audience' },
  { key: 'title', label: 'Title', maxWidth: 60 },
];

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
  const links = await ticketLinks(s, t.id);
  printRecord(ctx.out, { ...t, ...links, timeline }, [...ticketFields, ...(await customFieldRows(s, 'ticket', t))], [
    { title: 'Description', text: t.description ?? '' },
    ...(links.problems.length ? [{ title: 'Problems', view: problemsView, rows: links.problems }] : []),
    ...(links.articles.length ? [{ title: 'Knowledge base', view: articlesView, rows: links.articles }] : []),
    { title: 'SLA', view: slaView, rows: slaRows(t, ctx.timeZone) },
    ...(o.timelineLimit === 0 ? [] : [{ title: 'Timeline', view: timelineView, rows: shown }]),
  ]);
}

export function register(parent: Command, ctx: CliContext): void {
  const cmd = timelineOption(parent.command('show').description('one ticket: fields, SLA states and the timeline (events and logged activities)').argument('<id>', 'ticket id'), `all on a terminal, the last 20 in JSON`);
  examples(cmd, ['crm ticket show 1', 'crm ticket show 1 --timeline-limit 10', 'crm ticket show 1 --json | jq .sla']);
  cmd.action((ref: string, o: { timelineLimit?: number }) => run(ctx, ref, o));
}

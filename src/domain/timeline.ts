/**
 * The 360° timeline of a contact, company, deal or ticket: activities (calls, meetings, emails,
 * notes, touches, tasks), deal stage moves (deal_stage_history, with stage names) and ticket
 * events, merged in chronological order as plain records.
 */
import { sql } from 'kysely';
import type { Session } from './session.js';

export interface TimelineEntry {
  /** ISO UTC instant the entry happened (or, for an open task, is due). */
  at: string;
  source: 'activity' | 'deal' | 'ticket';
  /** Activity kind (call, meeting, task…); "created" / "stage" for deals; the ticket event kind. */
  kind: string;
  /** One line: "Discussed pricing", "Deal #3 Big order: Quote → Negotiation". */
  summary: string;
  /** Tasks: open | done. */
  status: string | null;
  by: string | null;
  activityId: number | null;
  dealId: number | null;
  ticketId: number | null;
}

export type TimelineSubject = { contactId: number } | { companyId: number } | { dealId: number } | { ticketId: number };

export const DEFAULT_TIMELINE_LIMIT = 20;

function firstLine(text: string | null, max = 70): string {
  if (!text) return '';
  const line = text.split(/\r?\n/).find((l) => l.trim() !== '')?.trim() ?? '';
  return line.length > max ? line.slice(0, max - 1) + '…' : line;
}

/**
 * The most recent `limit` entries (default 20), oldest first. Each source is queried for its own
 * latest `limit` rows, so the cost stays small however long the history is.
 */
export async function timelineFor(s: Session, subject: TimelineSubject, opts: { limit?: number } = {}): Promise<TimelineEntry[]> {
  const limit = opts.limit ?? DEFAULT_TIMELINE_LIMIT;
  if (limit <= 0) return [];
  const db = s.db.kysely;
  const entries: TimelineEntry[] = [];

  // Activities
  let acts = db.selectFrom('activities as a').leftJoin('users as u', 'u.id', 'a.owner_id').select(['a.id', 'a.kind', 'a.subject', 'a.occurred_at', 'a.due_at', 'a.done_at', 'a.created_at', 'a.created_by', 'a.deal_id', 'a.ticket_id']);
  if ('contactId' in subject) acts = acts.where('a.contact_id', '=', subject.contactId);
  else if ('dealId' in subject) acts = acts.where('a.deal_id', '=', subject.dealId);
  else if ('ticketId' in subject) acts = acts.where('a.ticket_id', '=', subject.ticketId);
  else {
    const id = subject.companyId;
    acts = acts.where((eb) =>
      eb.or([
        eb('a.company_id', '=', id),
        eb('a.contact_id', 'in', eb.selectFrom('contacts').select('id').where('company_id', '=', id)),
        eb('a.deal_id', 'in', eb.selectFrom('deals').select('id').where('company_id', '=', id)),
        eb('a.ticket_id', 'in', eb.selectFrom('tickets').select('id').where('company_id', '=', id)),
      ]),
    );
  }
  const actAt = sql<string>`coalesce(a.occurred_at, a.done_at, a.due_at, a.created_at)`;
  for (const a of await acts.select(actAt.as('t')).orderBy(actAt, 'desc').orderBy('a.id', 'desc').limit(limit).execute()) {
    entries.push({
      at: a.t,
      source: 'activity',
      kind: a.kind,
      summary: a.subject,
      status: a.kind === 'task' ? (a.done_at ? 'done' : 'open') : null,
      by: a.created_by,
      activityId: a.id,
      dealId: a.deal_id,
      ticketId: a.ticket_id,
    });
  }

  // Deal stage moves
  if (!('ticketId' in subject)) {
    let moves = db
      .selectFrom('deal_stage_history as h')
      .innerJoin('deals as d', 'd.id', 'h.deal_id')
      .leftJoin('stages as fs', 'fs.id', 'h.from_stage_id')
      .innerJoin('stages as ts', 'ts.id', 'h.to_stage_id')
      .select(['h.id', 'h.deal_id', 'h.at', 'h.actor', 'h.from_stage_id', 'd.title', 'fs.name as from_name', 'ts.name as to_name', 'ts.kind as to_kind']);
    if ('dealId' in subject) moves = moves.where('h.deal_id', '=', subject.dealId);
    else if ('companyId' in subject) moves = moves.where('d.company_id', '=', subject.companyId);
    else {
      const id = subject.contactId;
      moves = moves.where((eb) => eb.or([eb('d.contact_id', '=', id), eb('d.id', 'in', eb.selectFrom('deal_contacts').select('deal_id').where('contact_id', '=', id))]));
    }
    for (const m of await moves.orderBy('h.at', 'desc').orderBy('h.id', 'desc').limit(limit).execute()) {
      const deal = `Deal #${m.deal_id} ${m.title}`;
      const created = m.from_stage_id === null;
      entries.push({
        at: m.at,
        source: 'deal',
        kind: created ? 'created' : m.to_kind === 'open' ? 'stage' : m.to_kind,
        summary: created ? `${deal} created in ${m.to_name}` : `${deal}: ${m.from_name ?? '?'} → ${m.to_name}`,
        status: null,
        by: m.actor,
        activityId: null,
        dealId: m.deal_id,
        ticketId: null,
      });
    }
  }

  // Ticket events
  if (!('dealId' in subject)) {
    let events = db
      .selectFrom('ticket_events as e')
      .innerJoin('tickets as t', 't.id', 'e.ticket_id')
      .select(['e.id', 'e.ticket_id', 'e.kind', 'e.body', 'e.from_value', 'e.to_value', 'e.actor', 'e.at', 't.subject']);
    if ('ticketId' in subject) events = events.where('e.ticket_id', '=', subject.ticketId);
    else if ('companyId' in subject) events = events.where('t.company_id', '=', subject.companyId);
    else events = events.where('t.contact_id', '=', subject.contactId);
    for (const e of await events.orderBy('e.at', 'desc').orderBy('e.id', 'desc').limit(limit).execute()) {
      entries.push({
        at: e.at,
        source: 'ticket',
        kind: e.kind,
        summary: ticketEventSummary(e, !('ticketId' in subject)),
        status: null,
        by: e.actor,
        activityId: null,
        dealId: null,
        ticketId: e.ticket_id,
      });
    }
  }

  entries.sort((a, b) => b.at.localeCompare(a.at) || rank(b) - rank(a));
  return entries.slice(0, limit).reverse();
}

/** Tie-break for entries at the same instant: deal moves and ticket events before activities. */
function rank(e: TimelineEntry): number {
  return e.source === 'activity' ? 2 : 1;
}

function ticketEventSummary(e: { ticket_id: number; kind: string; body: string | null; from_value: string | null; to_value: string | null; subject: string }, withTicket: boolean): string {
  const prefix = withTicket ? `Ticket #${e.ticket_id} ${e.subject}: ` : '';
  const change = (what: string) => `${what} ${e.from_value ?? '—'} → ${e.to_value ?? '—'}`;
  switch (e.kind) {
    case 'created':
      return withTicket ? `Ticket #${e.ticket_id} opened: ${e.subject}` : `opened: ${e.subject}`;
    case 'reply':
      return `${prefix}reply: ${firstLine(e.body)}`;
    case 'note':
      return `${prefix}internal note: ${firstLine(e.body)}`;
    case 'message':
      return `${prefix}message from requester: ${firstLine(e.body)}`;
    case 'status':
      return prefix + change('status');
    case 'assign':
      return prefix + change('assignee');
    case 'priority':
      return prefix + change('priority');
    case 'policy':
      return prefix + change('SLA policy');
    case 'csat':
      return `${prefix}satisfaction ${e.to_value ?? ''}${e.body ? `: ${firstLine(e.body)}` : ''}`;
    case 'edit':
      // One per changed field: body names it (subject, description, category, channel, tags).
      return `${prefix}${e.body ?? 'edit'} ${e.from_value === null ? '—' : firstLine(e.from_value, 40)} → ${e.to_value === null ? '—' : firstLine(e.to_value, 40)}`;
    default:
      return `${prefix}${e.kind}${e.body ? `: ${firstLine(e.body)}` : ''}`;
  }
}

/** Loads what the support reports need (one ordered query each) and hands it to the pure builders. */
import { streamTicketsWithEvents } from '../db/sqlite-tickets.js';
import type { Period } from './period.js';
import type { Session } from './session.js';
import { buildSlaReport, type SlaGrouping, type SlaReport } from '../reports/sla.js';
import { buildTicketsReport, type TicketsReport } from '../reports/tickets.js';
import { slaContext } from './tickets.js';

async function handles(s: Session): Promise<Map<number, string>> {
  const rows = await s.db.kysely.selectFrom('users').select(['id', 'handle']).execute();
  return new Map(rows.map((r) => [r.id, r.handle]));
}

/** assigneeIds: only tickets assigned to these users (the KPI screen's --owner/--team); null or absent: all. */
export async function slaReport(s: Session, opts: { period: Period; asOf: Date; by?: SlaGrouping; explain?: boolean; assigneeIds?: number[] | null }): Promise<SlaReport> {
  const ctx = await slaContext(s.db.kysely);
  const users = await handles(s);
  const asOf = opts.asOf.toISOString();
  let tickets;
  if (opts.assigneeIds == null) {
    tickets = streamTicketsWithEvents(s.db, { createdFrom: opts.period.start, createdTo: opts.period.end, asOf });
  } else {
    const ids = opts.assigneeIds.length
      ? await s.db.kysely
          .selectFrom('tickets')
          .select('id')
          .where('created_at', '>=', opts.period.start)
          .where('created_at', '<', opts.period.end)
          .where('created_at', '<=', asOf)
          .where('assignee_id', 'in', opts.assigneeIds)
          .execute()
      : [];
    tickets = streamTicketsWithEvents(s.db, { ids: ids.map((r) => r.id), asOf });
  }
  return buildSlaReport(tickets, ctx, { period: opts.period, asOf: opts.asOf, by: opts.by, explain: opts.explain, handles: users });
}

export async function ticketsReport(s: Session, opts: { period: Period; explain?: boolean }): Promise<TicketsReport> {
  const users = await handles(s);
  const solvedIds = await s.db.kysely
    .selectFrom('ticket_events')
    .select('ticket_id')
    .distinct()
    .where('kind', '=', 'status')
    .where('to_value', '=', 'solved')
    .where('at', '>=', opts.period.start)
    .where('at', '<', opts.period.end)
    .execute();
  // The builder reads `created` to the end before it starts `solved`: one open cursor at a time.
  const created = streamTicketsWithEvents(s.db, { createdFrom: opts.period.start, createdTo: opts.period.end });
  const solved = streamTicketsWithEvents(s.db, { ids: solvedIds.map((r) => r.ticket_id) });
  return buildTicketsReport(created, solved, { period: opts.period, timeZone: s.timeZone, handles: users, explain: opts.explain });
}

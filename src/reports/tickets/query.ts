/** Loads the tickets the tickets report needs and hands them to the pure builder. */
import { ticketsWithEvents } from '../../db/tickets.js';
import type { Period } from '../../domain/period.js';
import type { Session } from '../../domain/session.js';
import { userHandles as handles } from '../query.js';
import { buildTicketsReport, type TicketsReport } from './build.js';

/** The tickets solved in the period (by a status event to solved), up to `asOf`. */
export async function solvedInPeriod(s: Session, opts: { period: Period; asOf: string }): Promise<number[]> {
  const rows = await s.db.kysely
    .selectFrom('ticket_events')
    .select('ticket_id')
    .distinct()
    .where('kind', '=', 'status')
    .where('to_value', '=', 'solved')
    .where('at', '>=', opts.period.start)
    .where('at', '<', opts.period.end)
    .where('at', '<=', opts.asOf)
    .execute();
  return rows.map((r) => r.ticket_id);
}

/** --owner/--team as the handles of the agents whose solves count (null: everyone's). */
export function agentHandles(assigneeIds: number[] | null, users: Map<number, string>): Set<string> | null {
  return assigneeIds === null ? null : new Set(assigneeIds.map((id) => users.get(id)).filter((h): h is string => h !== undefined));
}

/**
 * `assigneeIds` (--owner/--team): only tickets now assigned to them, and only their solves;
 * `asOf`: nothing created, solved or reopened after it.
 */
export async function ticketsReport(s: Session, opts: { period: Period; asOf: string; assigneeIds: number[] | null }): Promise<TicketsReport> {
  const users = await handles(s);
  const solvedIds = await solvedInPeriod(s, opts);
  // The builder reads `created` to the end before it starts `solved`: one open cursor at a time.
  let created;
  if (opts.assigneeIds === null) {
    created = ticketsWithEvents(s.db, { createdFrom: opts.period.start, createdTo: opts.period.end, asOf: opts.asOf });
  } else {
    const ids = opts.assigneeIds.length
      ? await s.db.kysely
          .selectFrom('tickets')
          .select('id')
          .where('created_at', '>=', opts.period.start)
          .where('created_at', '<', opts.period.end)
          .where('created_at', '<=', opts.asOf)
          .where('assignee_id', 'in', opts.assigneeIds)
          .execute()
      : [];
    created = ticketsWithEvents(s.db, { ids: ids.map((r) => r.id), asOf: opts.asOf });
  }
  const solved = ticketsWithEvents(s.db, { ids: solvedIds });
  const agents = agentHandles(opts.assigneeIds, users);
  const holidays = new Set((await s.db.kysely.selectFrom('calendar_holidays').select('date').execute()).map((h) => String(h.date)));
  const campaigns = (await s.db.kysely.selectFrom('campaigns').select(['id', 'name', 'start_date', 'end_date']).where('start_date', 'is not', null).execute()).map((c) => ({ id: c.id, name: c.name, start: String(c.start_date), end: c.end_date === null ? null : String(c.end_date) }));
  return await buildTicketsReport(created, solved, { period: opts.period, timeZone: s.timeZone, handles: users, asOf: opts.asOf, agents, holidays, campaigns });
}

/** Loads the tickets the SLA report needs (one ordered query each) and hands them to the pure builder. */
import { ticketsWithEvents } from '../../db/tickets.js';
import type { Period } from '../../domain/period.js';
import type { Session } from '../../domain/session.js';
import { slaContext } from '../../domain/tickets.js';
import { userHandles as handles } from '../query.js';
import { buildSlaReport, type SlaGrouping, type SlaReport } from './build.js';

/** assigneeIds: only tickets assigned to these users (the KPI screen's --owner/--team); null or absent: all. */
export async function slaReport(s: Session, opts: { period: Period; asOf: Date; by?: SlaGrouping; assigneeIds?: number[] | null }): Promise<SlaReport> {
  const ctx = await slaContext(s.db.kysely);
  const users = await handles(s);
  const asOf = opts.asOf.toISOString();
  let tickets;
  if (opts.assigneeIds == null) {
    tickets = ticketsWithEvents(s.db, { createdFrom: opts.period.start, createdTo: opts.period.end, asOf });
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
    tickets = ticketsWithEvents(s.db, { ids: ids.map((r) => r.id), asOf });
  }
  return await buildSlaReport(tickets, ctx, { period: opts.period, asOf: opts.asOf, by: opts.by, handles: users });
}


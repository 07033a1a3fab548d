/** Loads the solved tickets of the period for the agents report. */
import { ticketsWithEvents } from '../../db/tickets.js';
import type { Period } from '../../domain/period.js';
import type { Session } from '../../domain/session.js';
import { userHandles as handles } from '../query.js';
import { solvedPerAgent, type AgentStats } from '../tickets/build.js';

export async function agentsReport(s: Session, opts: { period: Period; asOf: string; assigneeIds: number[] | null }): Promise<AgentStats[]> {
  const users = await handles(s);
  const solvedIds = await s.db.kysely
    .selectFrom('ticket_events')
    .select('ticket_id')
    .distinct()
    .where('kind', '=', 'status')
    .where('to_value', '=', 'solved')
    .where('at', '>=', opts.period.start)
    .where('at', '<', opts.period.end)
    .where('at', '<=', opts.asOf)
    .execute();
  const agents = opts.assigneeIds === null ? null : new Set(opts.assigneeIds.map((id) => users.get(id)).filter((h): h is string => h !== undefined));
  return solvedPerAgent(ticketsWithEvents(s.db, { ids: solvedIds.map((r) => r.ticket_id) }), { period: opts.period, handles: users, asOf: opts.asOf, agents });
}

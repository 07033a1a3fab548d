/** Loads the solved tickets of the period for the agents report. */
import { ticketsWithEvents } from '../../db/tickets.js';
import type { Period } from '../../domain/period.js';
import type { Session } from '../../domain/session.js';
import { userHandles as handles } from '../query.js';
import { solvedPerAgent, type AgentStats } from '../tickets/build.js';
import { agentHandles, solvedInPeriod } from '../tickets/query.js';

export async function agentsReport(s: Session, opts: { period: Period; asOf: string; assigneeIds: number[] | null }): Promise<AgentStats[]> {
  const users = await handles(s);
  const solvedIds = await solvedInPeriod(s, opts);
  const agents = agentHandles(opts.assigneeIds, users);
  return solvedPerAgent(ticketsWithEvents(s.db, { ids: solvedIds }), { period: opts.period, handles: users, asOf: opts.asOf, agents });
}

/**
 * SLA figures for the KPI screen, from the ticket module's SLA clock (src/domain/sla, the same
 * computation as `crm report sla`): compliance of tickets created in the period, and open tickets
 * breaching a target at the as-of moment.
 */
import { streamTicketsWithEvents } from '../../db/sqlite-tickets.js';
import type { ReportScope } from '../scope.js';
import type { SlaKpi } from './build.js';
import type { Session } from '../../domain/session.js';
import { slaReport } from '../sla/query.js';
import { attributesAt, slaOf } from '../../domain/ticket-sla.js';
import { slaContext } from '../../domain/tickets.js';

export async function slaKpi(s: Session, scope: ReportScope): Promise<SlaKpi> {
  const asOf = new Date(scope.asOf);
  // Narrowed like the rest of the screen: --owner/--team keep the tickets assigned to those users.
  const report = await slaReport(s, { period: scope.period, asOf, assigneeIds: scope.ownerIds });
  let met = 0;
  let breached = 0;
  for (const m of [report.total.firstReply, report.total.nextReply, report.total.resolution]) {
    met += m.achieved;
    breached += m.breached;
  }
  // Breaching now: tickets not solved or closed at the as-of moment with a target already missed.
  let q = s.db.kysely.selectFrom('tickets').select('id').where('created_at', '<=', scope.asOf);
  if (scope.ownerIds !== null) q = scope.ownerIds.length ? q.where('assignee_id', 'in', scope.ownerIds) : q.where('id', '=', -1);
  const ids = (await q.execute()).map((r) => r.id);
  let breaching = 0;
  if (ids.length) {
    const ctx = await slaContext(s.db.kysely);
    for (const t of streamTicketsWithEvents(s.db, { ids, asOf: scope.asOf })) {
      const status = attributesAt(t, scope.asOf, null).status;
      if (status === 'solved' || status === 'closed') continue;
      if (slaOf(t, ctx, asOf).breaching) breaching++;
    }
  }
  return { available: true, compliance: met + breached ? met / (met + breached) : null, met, breached, breaching };
}

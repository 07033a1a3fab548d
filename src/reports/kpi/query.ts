/** The few aggregates of the KPI screen, and its SLA figures from the ticket SLA clock. */
import { sql } from 'kysely';
import type { AnyDb } from '../../db/engine.js';
import type { ReportScope } from '../scope.js';
import { bucketCase, dealExistsCondition, dealOpenCondition, ownerCondition, stageIdAt, within, fxColumns, fxGroupBy } from '../query.js';
import { ticketsWithEvents } from '../../db/tickets.js';
import type { SlaKpi } from './build.js';
import type { Session } from '../../domain/session.js';
import { slaReport } from '../sla/query.js';
import { attributesAt, slaOf } from '../../domain/ticket-sla.js';
import { slaContext } from '../../domain/tickets.js';

export interface PipelineRow {
  currency: string;
  deals: number;
  rawMinor: string;
  weightedMinorTimes100: string;
}

export async function openPipeline(db: AnyDb, scope: ReportScope): Promise<PipelineRow[]> {
  const q = sql<PipelineRow>`
    SELECT d.currency AS "currency", COUNT(*) AS "deals", CAST(SUM(d.amount_minor) AS TEXT) AS "rawMinor",
      CAST(SUM(d.amount_minor * COALESCE(d.probability, s.probability)) AS TEXT) AS "weightedMinorTimes100"${fxColumns(scope)}
    FROM deals d JOIN stages s ON s.id = ${stageIdAt('d', scope)}
    WHERE ${dealOpenCondition('d', 's', scope)} AND ${dealExistsCondition('d', scope)}${ownerCondition('d.owner_id', scope)}
    GROUP BY d.currency${fxGroupBy(scope)}`;
  return (await q.execute(db.kysely)).rows;
}

export interface ClosedTotalsRow {
  currency: string;
  won: number;
  lost: number;
  wonMinor: string;
}

export async function closedTotals(db: AnyDb, scope: ReportScope, start: string, end: string): Promise<ClosedTotalsRow[]> {
  const w = within('d.won_at', start, end);
  const l = within('d.lost_at', start, end);
  const q = sql<ClosedTotalsRow>`
    SELECT d.currency AS "currency", SUM(CASE WHEN ${w} THEN 1 ELSE 0 END) AS "won", SUM(CASE WHEN ${l} THEN 1 ELSE 0 END) AS "lost",
      CAST(SUM(CASE WHEN ${w} THEN d.amount_minor ELSE 0 END) AS TEXT) AS "wonMinor"${fxColumns(scope)}
    FROM deals d
    WHERE (${w} OR ${l}) AND ${dealExistsCondition('d', scope)}${ownerCondition('d.owner_id', scope)}
    GROUP BY d.currency${fxGroupBy(scope)}`;
  return (await q.execute(db.kysely)).rows;
}

/** Won value per bucket (e.g. the last six months) and currency, for the trend sparkline. */
export async function wonTrend(db: AnyDb, scope: ReportScope, boundaries: string[]): Promise<{ bucket: number; currency: string; wonMinor: string }[]> {
  const justAfter = new Date(Date.parse(scope.asOf) + 1).toISOString();
  const end = boundaries[boundaries.length - 1]! < justAfter ? boundaries[boundaries.length - 1]! : justAfter;
  const q = sql<{ bucket: number; currency: string; wonMinor: string }>`
    SELECT ${bucketCase('d.won_at', boundaries)} AS "bucket", d.currency AS "currency", CAST(SUM(d.amount_minor) AS TEXT) AS "wonMinor"${fxColumns(scope)}
    FROM deals d
    WHERE ${within('d.won_at', boundaries[0]!, end)} AND ${dealExistsCondition('d', scope)}${ownerCondition('d.owner_id', scope)}
    GROUP BY 1, 2${fxGroupBy(scope)}`;
  return (await q.execute(db.kysely)).rows;
}

/** Open tasks whose due time has passed at the as-of instant. */
export async function overdueTasks(db: AnyDb, scope: ReportScope): Promise<number> {
  const q = sql<{ n: number }>`
    SELECT COUNT(*) AS "n" FROM activities a
    WHERE a.kind = 'task' AND a.due_at < ${scope.asOf} AND a.created_at <= ${scope.asOf}
      AND (a.done_at IS NULL OR a.done_at > ${scope.asOf})${ownerCondition('a.owner_id', scope)}`;
  return Number((await q.execute(db.kysely)).rows[0]?.n ?? 0);
}

/** Tickets not solved or closed (current state; ticket status history lives in ticket_events). */
export async function openTickets(db: AnyDb, scope: ReportScope): Promise<number> {
  const q = sql<{ n: number }>`
    SELECT COUNT(*) AS "n" FROM tickets t
    WHERE t.status NOT IN ('solved', 'closed') AND t.created_at <= ${scope.asOf}${ownerCondition('t.assignee_id', scope)}`;
  return Number((await q.execute(db.kysely)).rows[0]?.n ?? 0);
}

/**
 * SLA figures for the KPI screen, from the ticket module's SLA clock (src/domain/sla, the same
 * computation as `crm report sla`): compliance of tickets created in the period, and open tickets
 * breaching a target at the as-of moment.
 */
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
    for await (const t of ticketsWithEvents(s.db, { ids, asOf: scope.asOf })) {
      const status = attributesAt(t, scope.asOf, null).status;
      if (status === 'solved' || status === 'closed') continue;
      if (slaOf(t, ctx, asOf).breaching) breaching++;
    }
  }
  return { available: true, compliance: met + breached ? met / (met + breached) : null, met, breached, breaching };
}

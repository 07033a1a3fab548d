/** The few aggregates of the KPI screen. */
import { sql } from 'kysely';
import type { AnyDb } from '../engine.js';
import type { ReportScope } from '../../reports/scope.js';
import { bucketCase, dealExistsCondition, dealOpenCondition, ownerCondition, stageIdAt, within } from './common.js';

export interface PipelineRow {
  currency: string;
  deals: number;
  rawMinor: string;
  weightedMinorTimes100: string;
}

export async function openPipeline(db: AnyDb, scope: ReportScope): Promise<PipelineRow[]> {
  const q = sql<PipelineRow>`
    SELECT d.currency AS "currency", COUNT(*) AS "deals", CAST(SUM(d.amount_minor) AS TEXT) AS "rawMinor",
      CAST(SUM(d.amount_minor * COALESCE(d.probability, s.probability)) AS TEXT) AS "weightedMinorTimes100"
    FROM deals d JOIN stages s ON s.id = ${stageIdAt('d', scope)}
    WHERE ${dealOpenCondition('d', 's', scope)} AND ${dealExistsCondition('d', scope)}${ownerCondition('d.owner_id', scope)}
    GROUP BY d.currency`;
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
      CAST(SUM(CASE WHEN ${w} THEN d.amount_minor ELSE 0 END) AS TEXT) AS "wonMinor"
    FROM deals d
    WHERE (${w} OR ${l}) AND ${dealExistsCondition('d', scope)}${ownerCondition('d.owner_id', scope)}
    GROUP BY d.currency`;
  return (await q.execute(db.kysely)).rows;
}

/** Won value per bucket (e.g. the last six months) and currency, for the trend sparkline. */
export async function wonTrend(db: AnyDb, scope: ReportScope, boundaries: string[]): Promise<{ bucket: number; currency: string; wonMinor: string }[]> {
  const justAfter = new Date(Date.parse(scope.asOf) + 1).toISOString();
  const end = boundaries[boundaries.length - 1]! < justAfter ? boundaries[boundaries.length - 1]! : justAfter;
  const q = sql<{ bucket: number; currency: string; wonMinor: string }>`
    SELECT ${bucketCase('d.won_at', boundaries)} AS "bucket", d.currency AS "currency", CAST(SUM(d.amount_minor) AS TEXT) AS "wonMinor"
    FROM deals d
    WHERE ${within('d.won_at', boundaries[0]!, end)} AND ${dealExistsCondition('d', scope)}${ownerCondition('d.owner_id', scope)}
    GROUP BY 1, 2`;
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

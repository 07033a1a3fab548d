/** Per-owner counts for the weekly activity report: activities, contacts, deals, stage moves, tasks. */
import { sql } from 'kysely';
import type { AnyDb } from '../../db/engine.js';
import type { ReportScope } from '../scope.js';
import { ownerCondition, within } from '../query.js';

export interface RepRow {
  id: number;
  handle: string;
  name: string;
  role: string;
  active: number;
}

export interface OwnerMetricRow {
  ownerId: number | null;
  metric: string;
  n: number;
}

/** Users who should appear even with zero activity: active reps and managers (within --owner/--team). */
export async function reportableReps(db: AnyDb, scope: ReportScope): Promise<RepRow[]> {
  const q = sql<RepRow>`
    SELECT u.id AS "id", u.handle AS "handle", u.name AS "name", u.role AS "role", u.active AS "active"
    FROM users u
    WHERE 1 = 1${ownerCondition('u.id', scope)}
    ORDER BY u.handle`;
  return (await q.execute(db.kysely)).rows;
}

export async function activityMetrics(db: AnyDb, scope: ReportScope, start: string, end: string): Promise<OwnerMetricRow[]> {
  const occurred = within('a.occurred_at', start, end);
  const created = within('a.created_at', start, end);
  const q = sql<OwnerMetricRow>`
    SELECT a.owner_id AS "ownerId", a.kind AS "metric", COUNT(*) AS "n"
      FROM activities a WHERE ${occurred} AND a.kind <> 'task'${ownerCondition('a.owner_id', scope)} GROUP BY a.owner_id, a.kind
    UNION ALL
    SELECT a.owner_id, 'nextSteps', COUNT(*)
      FROM activities a WHERE a.kind = 'task' AND ${created}${ownerCondition('a.owner_id', scope)} GROUP BY a.owner_id
    UNION ALL
    SELECT c.owner_id, 'newContacts', COUNT(*)
      FROM contacts c WHERE ${within('c.created_at', start, end)} AND c.archived_at IS NULL${ownerCondition('c.owner_id', scope)} GROUP BY c.owner_id`;
  return (await q.execute(db.kysely)).rows;
}

export interface DealMetricRow {
  ownerId: number | null;
  created: number;
  won: number;
  lost: number;
}

export async function dealMetrics(db: AnyDb, scope: ReportScope, start: string, end: string): Promise<DealMetricRow[]> {
  const c = within('d.created_at', start, end);
  const w = within('d.won_at', start, end);
  const l = within('d.lost_at', start, end);
  const q = sql<DealMetricRow>`
    SELECT d.owner_id AS "ownerId",
      SUM(CASE WHEN ${c} THEN 1 ELSE 0 END) AS "created",
      SUM(CASE WHEN ${w} THEN 1 ELSE 0 END) AS "won",
      SUM(CASE WHEN ${l} THEN 1 ELSE 0 END) AS "lost"
    FROM deals d
    WHERE (${c} OR ${w} OR ${l}) AND d.archived_at IS NULL${ownerCondition('d.owner_id', scope)}
    GROUP BY d.owner_id`;
  return (await q.execute(db.kysely)).rows;
}

/** Deals moved forward (to a later open stage) in the window, counted once per deal. */
export async function dealsAdvanced(db: AnyDb, scope: ReportScope, start: string, end: string): Promise<{ ownerId: number | null; n: number }[]> {
  const q = sql<{ ownerId: number | null; n: number }>`
    SELECT d.owner_id AS "ownerId", COUNT(DISTINCT h.deal_id) AS "n"
    FROM deal_stage_history h
    JOIN deals d ON d.id = h.deal_id
    JOIN stages s_to ON s_to.id = h.to_stage_id
    JOIN stages s_from ON s_from.id = h.from_stage_id
    WHERE ${within('h.at', start, end)} AND s_to.kind = 'open' AND s_to.position > s_from.position AND d.archived_at IS NULL${ownerCondition('d.owner_id', scope)}
    GROUP BY d.owner_id`;
  return (await q.execute(db.kysely)).rows;
}

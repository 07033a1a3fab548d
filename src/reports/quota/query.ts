/** Won value per owner in a window, and the quota rows that may apply to a period. */
import { sql } from 'kysely';
import type { AnyDb } from '../../db/engine.js';
import type { ReportScope } from '../scope.js';
import { dealExistsCondition, ownerCondition, within, fxColumns, fxGroupBy } from '../query.js';

export interface WonByOwnerRow {
  ownerId: number | null;
  owner: string | null;
  currency: string;
  deals: number;
  wonMinor: string;
}

export async function wonByOwner(db: AnyDb, scope: ReportScope, start: string, end: string): Promise<WonByOwnerRow[]> {
  const q = sql<WonByOwnerRow>`
    SELECT d.owner_id AS "ownerId", u.handle AS "owner", d.currency AS "currency", COUNT(*) AS "deals", CAST(SUM(d.amount_minor) AS TEXT) AS "wonMinor"${fxColumns(scope)}
    FROM deals d LEFT JOIN users u ON u.id = d.owner_id
    WHERE ${within('d.won_at', start, end)} AND ${dealExistsCondition('d', scope)}${ownerCondition('d.owner_id', scope)}
    GROUP BY d.owner_id, u.handle, d.currency${fxGroupBy(scope)}`;
  return (await q.execute(db.kysely)).rows;
}

export interface QuotaRow {
  ownerId: number;
  owner: string;
  period: string;
  amountMinor: number;
  currency: string;
}

export async function quotasFor(db: AnyDb, scope: ReportScope, periods: string[]): Promise<QuotaRow[]> {
  if (periods.length === 0) return [];
  const q = sql<QuotaRow>`
    SELECT q.owner_id AS "ownerId", u.handle AS "owner", q.period AS "period", q.amount_minor AS "amountMinor", q.currency AS "currency"
    FROM quotas q JOIN users u ON u.id = q.owner_id
    WHERE q.period IN (${sql.join(periods)})${ownerCondition('q.owner_id', scope)}`;
  return (await q.execute(db.kysely)).rows;
}

/** Deals lost in a window, counted and summed per reason and currency. */
import { sql } from 'kysely';
import type { AnyDb } from '../../db/engine.js';
import type { ReportScope } from '../scope.js';
import { dealExistsCondition, ownerCondition, within, fxColumns, fxGroupBy } from '../query.js';

export interface LostReasonRow {
  reason: string | null;
  currency: string;
  deals: number;
  valueMinor: string;
}

export async function lostByReason(db: AnyDb, scope: ReportScope, start: string, end: string): Promise<LostReasonRow[]> {
  const q = sql<LostReasonRow>`
    SELECT d.lost_reason AS "reason", d.currency AS "currency", COUNT(*) AS "deals", CAST(SUM(d.amount_minor) AS TEXT) AS "valueMinor"${fxColumns(scope)}
    FROM deals d
    WHERE ${within('d.lost_at', start, end)} AND ${dealExistsCondition('d', scope)}${ownerCondition('d.owner_id', scope)}
    GROUP BY d.lost_reason, d.currency${fxGroupBy(scope)}`;
  return (await q.execute(db.kysely)).rows;
}

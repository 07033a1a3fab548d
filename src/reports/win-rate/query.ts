/** Deals closed (won or lost) in a window, counted and summed per group and currency. */
import { sql } from 'kysely';
import type { AnyDb } from '../../db/engine.js';
import type { ReportScope } from '../scope.js';
import { bucketCase, dealExistsCondition, ownerCondition, within, type Frag, fxColumns, fxGroupBy } from '../query.js';

export type WinRateGroup = 'owner' | 'source' | 'campaign' | 'month';

export interface ClosedDealsRow {
  key: string | number | null;
  label: string | null;
  currency: string;
  won: number;
  lost: number;
  wonMinor: string;
  lostMinor: string;
}

export interface ClosedWindow {
  start: string;
  end: string;
  /** Month boundaries when grouping by month. */
  boundaries?: string[];
}

export async function closedDealsByGroup(db: AnyDb, scope: ReportScope, by: WinRateGroup, w: ClosedWindow): Promise<ClosedDealsRow[]> {
  const wonIn = within('d.won_at', w.start, w.end);
  const lostIn = within('d.lost_at', w.start, w.end);
  let key: Frag;
  let label: Frag;
  let join: Frag = sql``;
  switch (by) {
    case 'owner':
      key = sql`d.owner_id`;
      label = sql`u.handle`;
      join = sql` LEFT JOIN users u ON u.id = d.owner_id`;
      break;
    case 'source':
      key = sql`d.source`;
      label = sql`d.source`;
      break;
    case 'campaign':
      key = sql`d.campaign_id`;
      label = sql`c.name`;
      join = sql` LEFT JOIN campaigns c ON c.id = d.campaign_id`;
      break;
    case 'month':
      key = sql`CASE WHEN ${wonIn} THEN ${bucketCase('d.won_at', w.boundaries!)} ELSE ${bucketCase('d.lost_at', w.boundaries!)} END`;
      label = sql`NULL`;
      break;
  }
  const q = sql<ClosedDealsRow>`
    SELECT ${key} AS "key", ${label} AS "label", d.currency AS "currency",
      SUM(CASE WHEN ${wonIn} THEN 1 ELSE 0 END) AS "won",
      SUM(CASE WHEN ${lostIn} THEN 1 ELSE 0 END) AS "lost",
      CAST(SUM(CASE WHEN ${wonIn} THEN d.amount_minor ELSE 0 END) AS TEXT) AS "wonMinor",
      CAST(SUM(CASE WHEN ${lostIn} THEN d.amount_minor ELSE 0 END) AS TEXT) AS "lostMinor"${fxColumns(scope)}
    FROM deals d${join}
    WHERE (${wonIn} OR ${lostIn}) AND ${dealExistsCondition('d', scope)}${ownerCondition('d.owner_id', scope)}
    GROUP BY 1, 2, 3${fxGroupBy(scope)}`;
  return (await q.execute(db.kysely)).rows;
}

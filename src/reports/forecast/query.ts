/** Open deals at the as-of instant, by expected-close month and by owner (won value and quotas: ../quota/query.ts). */
import { sql } from 'kysely';
import type { AnyDb } from '../../db/engine.js';
import type { ReportScope } from '../scope.js';
import { dealExistsCondition, dealOpenCondition, ownerCondition, stageIdAt, fxColumns, fxGroupBy } from '../query.js';

export interface OpenByBucketRow {
  bucket: string | null;
  ownerId: number | null;
  owner: string | null;
  currency: string;
  deals: number;
  rawMinor: string;
  /** Σ amount × probability (percent), to divide by 100 once. */
  weightedMinorTimes100: string;
}

/**
 * Open deals grouped by the month of their expected close (YYYY-MM, a calendar date already in
 * the user's terms) and owner. `before`/`after`/`none` buckets for dates outside [fromDate, toDate).
 */
export async function openDealsByCloseMonth(db: AnyDb, scope: ReportScope, fromDate: string, toDate: string): Promise<OpenByBucketRow[]> {
  const q = sql<OpenByBucketRow>`
    SELECT CASE WHEN d.expected_close IS NULL THEN 'none'
                WHEN d.expected_close < ${fromDate} THEN 'before'
                WHEN d.expected_close >= ${toDate} THEN 'after'
                ELSE SUBSTR(CAST(d.expected_close AS TEXT), 1, 7) END AS "bucket",
      d.owner_id AS "ownerId", u.handle AS "owner", d.currency AS "currency",
      COUNT(*) AS "deals",
      CAST(SUM(d.amount_minor) AS TEXT) AS "rawMinor",
      CAST(SUM(d.amount_minor * COALESCE(d.probability, s.probability)) AS TEXT) AS "weightedMinorTimes100"${fxColumns(scope)}
    FROM deals d
    JOIN stages s ON s.id = ${stageIdAt('d', scope)}
    LEFT JOIN users u ON u.id = d.owner_id
    WHERE ${dealOpenCondition('d', 's', scope)} AND ${dealExistsCondition('d', scope)}${ownerCondition('d.owner_id', scope)}
    GROUP BY 1, 2, 3, 4${fxGroupBy(scope)}`;
  return (await q.execute(db.kysely)).rows;
}

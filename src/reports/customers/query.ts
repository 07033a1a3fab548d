/**
 * Per company and currency: its orders (not cancelled) dated up to the as-of day — count, Σ net,
 * first and last order date — and how many of them lie in this period and in the one before.
 */
import { sql } from 'kysely';
import type { AnyDb } from '../../db/engine.js';
import type { ReportScope } from '../scope.js';
import { fxDocumentColumns, fxDocumentGroupBy, orderLiveCondition, orderOwnerCondition } from '../query.js';

export interface CustomerRow {
  companyId: number;
  company: string;
  currency: string;
  orders: number;
  amountMinor: string;
  first: string;
  last: string;
  inPeriod: number;
  inPrevious: number;
}

export interface CustomerWindows {
  asOfDay: string;
  /** [start, end) days of this period and of the previous one. */
  period: [string, string];
  previous: [string, string];
}

export async function customerOrders(db: AnyDb, scope: ReportScope, w: CustomerWindows): Promise<CustomerRow[]> {
  const live = orderLiveCondition(scope);
  const owners = orderOwnerCondition(scope);
  const inWindow = ([start, end]: [string, string]) => sql`CASE WHEN o.ordered_on >= ${start} AND o.ordered_on < ${end} THEN 1 ELSE 0 END`;
  const q = sql<CustomerRow>`
    SELECT o.company_id AS "companyId", c.name AS "company", o.currency AS "currency",
      COUNT(*) AS "orders", CAST(SUM(o.subtotal_minor) AS TEXT) AS "amountMinor",
      MIN(o.ordered_on) AS "first", MAX(o.ordered_on) AS "last",
      SUM(${inWindow(w.period)}) AS "inPeriod", SUM(${inWindow(w.previous)}) AS "inPrevious"${fxDocumentColumns(scope, sql`o.subtotal_minor`, sql`o.ordered_on`)}
    FROM orders o
    JOIN companies c ON c.id = o.company_id
    LEFT JOIN deals d ON d.id = o.deal_id
    WHERE ${live} AND o.ordered_on <= ${w.asOfDay}${owners}
    GROUP BY o.company_id, c.name, o.currency${fxDocumentGroupBy(scope, sql`o.subtotal_minor`, sql`o.ordered_on`)}`;
  return (await q.execute(db.kysely)).rows;
}

/**
 * Open invoices as of a day, summed per ageing bucket, (company) and currency: issued on or before
 * the day, not void then, with payments dated on or before the day short of the total.
 */
import { sql } from 'kysely';
import type { AnyDb } from '../../db/engine.js';
import type { ReportScope } from '../scope.js';
import { fxDocumentColumns, fxDocumentGroupBy, ownerCondition, type Frag } from '../query.js';

export interface AgeingRow {
  /** 0 current, 1 1–30, 2 31–60, 3 61–90, 4 90+ days overdue. */
  bucket: number;
  companyId: number | null;
  company: string | null;
  currency: string;
  invoices: number;
  outstandingMinor: string;
}

/**
 * `edges`: the due-date days that cut the buckets, as-of day first: [asOfDay, −30, −60, −90].
 * A due date on or after the as-of day is current; before it, overdue by (as-of − due) days.
 */
export async function openInvoicesByBucket(db: AnyDb, scope: ReportScope, asOfDay: string, edges: string[], byCompany: boolean): Promise<AgeingRow[]> {
  const [today, d30, d60, d90] = edges as [string, string, string, string];
  const due = sql.ref('x.due_date');
  const bucket = sql`CASE WHEN ${due} >= ${today} THEN 0 WHEN ${due} >= ${d30} THEN 1 WHEN ${due} >= ${d60} THEN 2 WHEN ${due} >= ${d90} THEN 3 ELSE 4 END`;
  const notVoid = scope.historical ? sql`(i.status = 'issued' OR (i.status = 'void' AND i.voided_at > ${scope.asOf}))` : sql`i.status = 'issued'`;
  const company: Frag = byCompany ? sql`x.company_id` : sql`NULL`;
  const companyName: Frag = byCompany ? sql`c.name` : sql`NULL`;
  const join: Frag = byCompany ? sql` LEFT JOIN companies c ON c.id = x.company_id` : sql``;
  const q = sql<AgeingRow>`
    SELECT ${bucket} AS "bucket", ${company} AS "companyId", ${companyName} AS "company", x.currency AS "currency",
      COUNT(*) AS "invoices", CAST(SUM(x.outstanding) AS TEXT) AS "outstandingMinor"${fxDocumentColumns(scope, sql`x.outstanding`, sql`x.issue_date`)}
    FROM (
      SELECT i.id, i.company_id, i.currency, i.due_date, i.issue_date,
        i.total_minor - COALESCE((SELECT SUM(p.amount_minor) FROM payments p WHERE p.invoice_id = i.id AND p.paid_on <= ${asOfDay}), 0) AS outstanding
      FROM invoices i
      WHERE ${notVoid} AND i.issue_date <= ${asOfDay} AND i.created_at <= ${scope.asOf}${ownerCondition('i.owner_id', scope)}
    ) x${join}
    WHERE x.outstanding > 0
    GROUP BY 1, 2, 3, 4${fxDocumentGroupBy(scope, sql`x.outstanding`, sql`x.issue_date`)}`;
  return (await q.execute(db.kysely)).rows;
}

/**
 * Orders (not cancelled) dated in a window of days, counted and summed per group and currency:
 * orders, quantity (thousandths) and net amount (before tax). By product the rows are the order
 * lines; otherwise the orders, each with the quantity of all its lines.
 */
import { sql } from 'kysely';
import type { AnyDb } from '../../db/engine.js';
import type { ReportScope } from '../scope.js';
import { bucketCase, fxDocumentColumns, fxDocumentGroupBy, orderLiveCondition, orderOwner, orderOwnerCondition, type Frag } from '../query.js';

export const SALES_BY = ['product', 'owner', 'company', 'month'] as const;
export type SalesBy = (typeof SALES_BY)[number];

export interface SalesRow {
  key: string | number | null;
  label: string | null;
  currency: string;
  orders: number;
  quantityMilli: string;
  amountMinor: string;
}

export interface SalesWindow {
  /** First day included, first day excluded, last day included (the as-of day). */
  startDay: string;
  endDay: string;
  asOfDay: string;
  /** Month start days when grouping by month (labels.length + 1). */
  monthDays?: string[];
}

export async function salesByGroup(db: AnyDb, scope: ReportScope, by: SalesBy, w: SalesWindow): Promise<SalesRow[]> {
  const live = orderLiveCondition(scope);
  const owners = orderOwnerCondition(scope);
  const where = sql`${live} AND o.ordered_on >= ${w.startDay} AND o.ordered_on < ${w.endDay} AND o.ordered_on <= ${w.asOfDay}${owners}`;
  if (by === 'product') {
    const q = sql<SalesRow>`
      SELECT COALESCE(l.sku, '') AS "key", MIN(COALESCE(p.name, l.description)) AS "label", o.currency AS "currency",
        COUNT(DISTINCT o.id) AS "orders", CAST(SUM(l.quantity_milli) AS TEXT) AS "quantityMilli", CAST(SUM(l.net_minor) AS TEXT) AS "amountMinor"${fxDocumentColumns(scope, sql`l.net_minor`, sql`o.ordered_on`)}
      FROM document_lines l
      JOIN orders o ON l.document_kind = 'order' AND l.document_id = o.id
      LEFT JOIN deals d ON d.id = o.deal_id
      LEFT JOIN products p ON p.id = l.product_id
      WHERE ${where}
      GROUP BY COALESCE(l.sku, ''), o.currency${fxDocumentGroupBy(scope, sql`l.net_minor`, sql`o.ordered_on`)}`;
    return (await q.execute(db.kysely)).rows;
  }
  let key: Frag;
  let label: Frag;
  let join: Frag = sql``;
  switch (by) {
    case 'owner':
      key = orderOwner;
      label = sql`u.handle`;
      join = sql` LEFT JOIN users u ON u.id = ${orderOwner}`;
      break;
    case 'company':
      key = sql`o.company_id`;
      label = sql`c.name`;
      join = sql` LEFT JOIN companies c ON c.id = o.company_id`;
      break;
    case 'month':
      key = bucketCase('o.ordered_on', w.monthDays!);
      label = sql`NULL`;
      break;
  }
  const q = sql<SalesRow>`
    SELECT ${key} AS "key", ${label} AS "label", o.currency AS "currency",
      COUNT(*) AS "orders", CAST(SUM(o.qty_milli) AS TEXT) AS "quantityMilli", CAST(SUM(o.subtotal_minor) AS TEXT) AS "amountMinor"${fxDocumentColumns(scope, sql`o.subtotal_minor`, sql`o.ordered_on`)}
    FROM (
      SELECT o.id, o.deal_id, o.owner_id, o.company_id, o.currency, o.ordered_on, o.subtotal_minor, o.status, o.cancelled_at, o.created_at,
        COALESCE((SELECT SUM(l.quantity_milli) FROM document_lines l WHERE l.document_kind = 'order' AND l.document_id = o.id), 0) AS qty_milli
      FROM orders o
    ) o
    LEFT JOIN deals d ON d.id = o.deal_id${join}
    WHERE ${where}
    GROUP BY 1, 2, 3${fxDocumentGroupBy(scope, sql`o.subtotal_minor`, sql`o.ordered_on`)}`;
  return (await q.execute(db.kysely)).rows;
}

export interface SalesSubjectRow {
  companyId: number | null;
  contactId: number | null;
  currency: string;
  orders: number;
  quantityMilli: string;
  amountMinor: string;
}

/**
 * The orders of the window per company and deal's primary contact: what a dimension
 * (src/reports/dimensions: a field, a segment, an age band) groups them by.
 */
export async function salesBySubject(db: AnyDb, scope: ReportScope, w: SalesWindow): Promise<SalesSubjectRow[]> {
  const where = sql`${orderLiveCondition(scope)} AND o.ordered_on >= ${w.startDay} AND o.ordered_on < ${w.endDay} AND o.ordered_on <= ${w.asOfDay}${orderOwnerCondition(scope)}`;
  const q = sql<SalesSubjectRow>`
    SELECT o.company_id AS "companyId", d.contact_id AS "contactId", o.currency AS "currency",
      COUNT(*) AS "orders", CAST(SUM(o.qty_milli) AS TEXT) AS "quantityMilli", CAST(SUM(o.subtotal_minor) AS TEXT) AS "amountMinor"${fxDocumentColumns(scope, sql`o.subtotal_minor`, sql`o.ordered_on`)}
    FROM (
      SELECT o.id, o.deal_id, o.owner_id, o.company_id, o.currency, o.ordered_on, o.subtotal_minor, o.status, o.cancelled_at, o.created_at,
        COALESCE((SELECT SUM(l.quantity_milli) FROM document_lines l WHERE l.document_kind = 'order' AND l.document_id = o.id), 0) AS qty_milli
      FROM orders o
    ) o
    LEFT JOIN deals d ON d.id = o.deal_id
    WHERE ${where}
    GROUP BY o.company_id, d.contact_id, o.currency${fxDocumentGroupBy(scope, sql`o.subtotal_minor`, sql`o.ordered_on`)}`;
  return (await q.execute(db.kysely)).rows;
}

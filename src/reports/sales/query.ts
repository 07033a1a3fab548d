/**
 * Sales in a window: the orders (not cancelled) dated in it, and the won deals closed in it that
 * have no order — counted and summed per group and currency: orders, won deals, quantity
 * (thousandths) and net amount (before tax). By product the rows are the order lines and the
 * deal lines (a won deal without lines is one "(no SKU)" row); otherwise the orders and deals,
 * each with the quantity of all its lines.
 *
 * A deal that produced an order — even one cancelled later — is counted through that order
 * only: the order stands in for it (never both), and a cancelled order cancels the sale.
 */
import { sql } from 'kysely';
import type { AnyDb } from '../../db/engine.js';
import { effectiveEnd, type ReportScope } from '../scope.js';
import { bucketCase, dealExistsCondition, fxDocumentColumns, fxDocumentGroupBy, orderLiveCondition, orderOwner, orderOwnerCondition, ownerCondition, within, type Frag } from '../query.js';

export const SALES_BY = ['product', 'owner', 'team', 'company', 'source', 'month'] as const;
export type SalesBy = (typeof SALES_BY)[number];

export interface SalesRow {
  key: string | number | null;
  label: string | null;
  currency: string;
  orders: number;
  /** Won deals without an order. */
  deals: number;
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
  /** The same month starts as instants (a deal's won_at is an instant). */
  monthStarts?: string[];
}

/**
 * The source of a sale: the deal's source, else its contact's, else its company's (for an order
 * without a deal: the order's contact's, else its company's), trimmed; compared case-insensitively.
 */
const SOURCE: Frag = sql`TRIM(COALESCE(d.source, sc.source, sco.source))`;

/** The contact and company whose source a sale falls back to (aliases sc, sco), for orders (o, d) or deals (d). */
function sourceJoins(forOrders: boolean): Frag {
  return forOrders
    ? sql` LEFT JOIN contacts sc ON sc.id = COALESCE(d.contact_id, o.contact_id) LEFT JOIN companies sco ON sco.id = COALESCE(d.company_id, o.company_id)`
    : sql` LEFT JOIN contacts sc ON sc.id = d.contact_id LEFT JOIN companies sco ON sco.id = d.company_id`;
}

/** The group key, its label and the join they need, from the sale's owner, company, month bucket and source joins. */
function groupTerms(by: Exclude<SalesBy, 'product'>, of: { owner: Frag; company: Frag; month: () => Frag; sourceJoin: Frag }): { key: Frag; label: Frag; join: Frag } {
  switch (by) {
    case 'owner':
      return { key: of.owner, label: sql`u.handle`, join: sql` LEFT JOIN users u ON u.id = ${of.owner}` };
    case 'team':
      return { key: sql`u.team`, label: sql`u.team`, join: sql` LEFT JOIN users u ON u.id = ${of.owner}` };
    case 'company':
      return { key: of.company, label: sql`c.name`, join: sql` LEFT JOIN companies c ON c.id = ${of.company}` };
    case 'source':
      return { key: sql`LOWER(${SOURCE})`, label: SOURCE, join: of.sourceJoin };
    case 'month':
      return { key: of.month(), label: sql`NULL`, join: sql`` };
  }
}

export async function salesByGroup(db: AnyDb, scope: ReportScope, by: SalesBy, w: SalesWindow): Promise<SalesRow[]> {
  const orders = await ordersByGroup(db, scope, by, w);
  const deals = await wonDealsByGroup(db, scope, by, w);
  return [...orders.map((r) => ({ ...r, deals: 0 })), ...deals.map((r) => ({ ...r, orders: 0 }))];
}

async function ordersByGroup(db: AnyDb, scope: ReportScope, by: SalesBy, w: SalesWindow): Promise<Omit<SalesRow, 'deals'>[]> {
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
  const { key, label, join } = groupTerms(by as Exclude<SalesBy, 'product'>, { owner: orderOwner, company: sql`o.company_id`, month: () => bucketCase('o.ordered_on', w.monthDays!), sourceJoin: sourceJoins(true) });
  const q = sql<SalesRow>`
    SELECT ${key} AS "key", ${label} AS "label", o.currency AS "currency",
      COUNT(*) AS "orders", CAST(SUM(o.qty_milli) AS TEXT) AS "quantityMilli", CAST(SUM(o.subtotal_minor) AS TEXT) AS "amountMinor"${fxDocumentColumns(scope, sql`o.subtotal_minor`, sql`o.ordered_on`)}
    FROM (
      SELECT o.id, o.deal_id, o.owner_id, o.company_id, o.contact_id, o.currency, o.ordered_on, o.subtotal_minor, o.status, o.cancelled_at, o.created_at,
        COALESCE((SELECT SUM(l.quantity_milli) FROM document_lines l WHERE l.document_kind = 'order' AND l.document_id = o.id), 0) AS qty_milli
      FROM orders o
    ) o
    LEFT JOIN deals d ON d.id = o.deal_id${join}
    WHERE ${where}
    GROUP BY 1, 2, 3${fxDocumentGroupBy(scope, sql`o.subtotal_minor`, sql`o.ordered_on`)}`;
  return (await q.execute(db.kysely)).rows;
}

/**
 * Deals won in the window (won_at from the period's start up to its end, and not after the
 * as-of instant) with no order made from them (by the as-of instant). Their amount is the
 * deal's amount — the total of its lines when it has lines — converted under --in at the day
 * it was won.
 */
function wonDealsWhere(scope: ReportScope): Frag {
  const ordered = scope.historical ? sql`o2.deal_id = d.id AND o2.created_at <= ${scope.asOf}` : sql`o2.deal_id = d.id`;
  return sql`${within('d.won_at', scope.period.start, effectiveEnd(scope))} AND ${dealExistsCondition('d', scope)} AND NOT EXISTS (SELECT 1 FROM orders o2 WHERE ${ordered})${ownerCondition('d.owner_id', scope)}`;
}

/** The won deals' rows (each with its quantity from its lines), for a grouping query to read as `d`. */
function wonDealsFrom(where: Frag): Frag {
  return sql`(
      SELECT d.id, d.owner_id, d.company_id, d.contact_id, d.source, d.currency, d.won_at, d.amount_minor,
        COALESCE((SELECT SUM(l.quantity_milli) FROM document_lines l WHERE l.document_kind = 'deal' AND l.document_id = d.id), 0) AS qty_milli
      FROM deals d
      WHERE ${where}
    ) d`;
}

async function wonDealsByGroup(db: AnyDb, scope: ReportScope, by: SalesBy, w: SalesWindow): Promise<Omit<SalesRow, 'orders'>[]> {
  const where = wonDealsWhere(scope);
  const fx = (amount: Frag): Frag => (scope.fx ? sql`, ${amount} AS "fxMinor", d.won_at AS "fxWonAt"` : sql``);
  const fxGroup = (amount: Frag): Frag => (scope.fx ? sql`, ${amount}, d.won_at` : sql``);
  if (by === 'product') {
    // A deal's lines by SKU; a deal without lines is one row of its whole amount, without a SKU.
    const q = sql<SalesRow>`
      SELECT x.sku AS "key", MIN(x.name) AS "label", x.currency AS "currency", COUNT(DISTINCT x.deal_id) AS "deals",
        CAST(SUM(x.quantity_milli) AS TEXT) AS "quantityMilli", CAST(SUM(x.net_minor) AS TEXT) AS "amountMinor"${scope.fx ? sql`, x.net_minor AS "fxMinor", x.won_at AS "fxWonAt"` : sql``}
      FROM (
        SELECT d.id AS deal_id, d.currency, d.won_at, COALESCE(l.sku, '') AS sku, COALESCE(p.name, l.description) AS name,
          COALESCE(l.quantity_milli, 0) AS quantity_milli, COALESCE(l.net_minor, d.amount_minor) AS net_minor
        FROM deals d
        LEFT JOIN document_lines l ON l.document_kind = 'deal' AND l.document_id = d.id
        LEFT JOIN products p ON p.id = l.product_id
        WHERE ${where}
      ) x
      GROUP BY x.sku, x.currency${scope.fx ? sql`, x.net_minor, x.won_at` : sql``}`;
    return (await q.execute(db.kysely)).rows;
  }
  const { key, label, join } = groupTerms(by as Exclude<SalesBy, 'product'>, { owner: sql`d.owner_id`, company: sql`d.company_id`, month: () => bucketCase('d.won_at', w.monthStarts!), sourceJoin: sourceJoins(false) });
  const q = sql<SalesRow>`
    SELECT ${key} AS "key", ${label} AS "label", d.currency AS "currency", COUNT(*) AS "deals",
      CAST(SUM(d.qty_milli) AS TEXT) AS "quantityMilli", CAST(SUM(d.amount_minor) AS TEXT) AS "amountMinor"${fx(sql`d.amount_minor`)}
    FROM ${wonDealsFrom(where)}${join}
    GROUP BY 1, 2, 3${fxGroup(sql`d.amount_minor`)}`;
  return (await q.execute(db.kysely)).rows;
}

export interface SalesSubjectRow {
  companyId: number | null;
  contactId: number | null;
  currency: string;
  orders: number;
  /** Won deals without an order (the same rule as salesByGroup). */
  deals: number;
  quantityMilli: string;
  amountMinor: string;
}

/**
 * The orders and won deals without an order of the window per company and (deal's) primary
 * contact: what a dimension (src/reports/dimensions: a field, a segment, an age band) groups them by.
 */
export async function salesBySubject(db: AnyDb, scope: ReportScope, w: SalesWindow): Promise<SalesSubjectRow[]> {
  const where = sql`${orderLiveCondition(scope)} AND o.ordered_on >= ${w.startDay} AND o.ordered_on < ${w.endDay} AND o.ordered_on <= ${w.asOfDay}${orderOwnerCondition(scope)}`;
  const q = sql<Omit<SalesSubjectRow, 'deals'>>`
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
  const won = sql<Omit<SalesSubjectRow, 'orders'>>`
    SELECT d.company_id AS "companyId", d.contact_id AS "contactId", d.currency AS "currency", COUNT(*) AS "deals",
      CAST(SUM(d.qty_milli) AS TEXT) AS "quantityMilli", CAST(SUM(d.amount_minor) AS TEXT) AS "amountMinor"${scope.fx ? sql`, d.amount_minor AS "fxMinor", d.won_at AS "fxWonAt"` : sql``}
    FROM ${wonDealsFrom(wonDealsWhere(scope))}
    GROUP BY d.company_id, d.contact_id, d.currency${scope.fx ? sql`, d.amount_minor, d.won_at` : sql``}`;
  const orders = (await q.execute(db.kysely)).rows;
  const deals = (await won.execute(db.kysely)).rows;
  return [...orders.map((r) => ({ ...r, deals: 0 })), ...deals.map((r) => ({ ...r, orders: 0 }))];
}

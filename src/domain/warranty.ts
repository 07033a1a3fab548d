/**
 * Warranty: an end date on the ticket (set by hand), else the customer's installed product (the
 * ticket's product is a SKU or product name the customer bought: the order date — its fulfilment
 * date once fulfilled — plus the product's warranty months, issue #19), else an end date on the
 * company (issue #20). Products and orders also give `company show` its installed products
 * (./purchases.ts, via warrantyEnd below). The rule "on or before the end date = under warranty"
 * stays here, and so does the month arithmetic, in TypeScript and in SQL (tested equal).
 */
import { sql, type RawBuilder } from 'kysely';
import { requireDate } from './validate.js';

export interface Warranty {
  until: string;
  /** ticket: the ticket's own date; product: the customer's installed product; company: the company's date. */
  source: 'ticket' | 'product' | 'company';
  /** active: today is on or before the end date; expired: after it. */
  state: 'active' | 'expired';
}

/** The warranty that applies on `today` (YYYY-MM-DD): the ticket's date, else the installed product's, else the company's. */
export function warrantyOf(ticketUntil: string | null, companyUntil: string | null, today: string, productUntil: string | null = null): Warranty | null {
  const until = ticketUntil ?? productUntil ?? companyUntil;
  if (!until) return null;
  return { until, source: ticketUntil ? 'ticket' : productUntil ? 'product' : 'company', state: today <= until ? 'active' : 'expired' };
}

/** YYYY-MM-DD → 20261130, the form the SQL below compares (dates of either engine, as text). */
export function dayNumber(day: string): number {
  return Number(day.slice(0, 10).replace(/-/g, ''));
}

/** 20261130 → 2026-11-30. */
export function dayOfNumber(n: number | string): string {
  const s = String(n).padStart(8, '0');
  return `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}`;
}

/**
 * warrantyEnd in SQL both engines read alike (integer arithmetic, CASE — no date functions: SQLite's
 * date(…, '+1 month') overflows 01-31 into March where PostgreSQL's interval clamps): the last day
 * under warranty of `months` from the day `start` (a date, or its text) as a number, 20281130.
 */
export function warrantyEndNumberSql(start: RawBuilder<unknown>, months: RawBuilder<unknown>): RawBuilder<number> {
  const day = sql`CAST(${start} AS TEXT)`;
  const y = sql`CAST(SUBSTR(${day}, 1, 4) AS INTEGER)`;
  const m = sql`CAST(SUBSTR(${day}, 6, 2) AS INTEGER)`;
  const d = sql`CAST(SUBSTR(${day}, 9, 2) AS INTEGER)`;
  const idx = sql`(${y} * 12 + ${m} - 1 + ${months})`;
  const year = sql`(${idx} / 12)`;
  const month = sql`(${idx} % 12 + 1)`;
  const last = sql`(CASE WHEN ${month} = 2 THEN (CASE WHEN (${year} % 4 = 0 AND ${year} % 100 <> 0) OR ${year} % 400 = 0 THEN 29 ELSE 28 END) WHEN ${month} IN (4, 6, 9, 11) THEN 30 ELSE 31 END)`;
  return sql<number>`(${year} * 10000 + ${month} * 100 + (CASE WHEN ${d} < ${last} THEN ${d} ELSE ${last} END))`;
}

/**
 * The installed-product warranty of a ticket (alias `t`), as a number (20281130) or NULL: among
 * the customer's orders (not cancelled) — the ticket's company, else its requester's — the lines
 * of the product the ticket names (its SKU, or its name, case-insensitively) that has a warranty
 * term; the latest end wins (the newest purchase covers the customer).
 */
export function installedWarrantySql(): RawBuilder<number | null> {
  const end = warrantyEndNumberSql(sql`COALESCE(wo.fulfilled_on, wo.ordered_on)`, sql`wp.warranty_months`);
  // CASE first: a ticket without a product (most of them) never runs the subquery.
  return sql<number | null>`(CASE WHEN t.product IS NULL THEN NULL ELSE (SELECT MAX(${end}) FROM document_lines wl
    JOIN orders wo ON wl.document_kind = 'order' AND wo.id = wl.document_id
    JOIN products wp ON wp.id = wl.product_id
    WHERE wp.warranty_months IS NOT NULL AND wo.status <> 'cancelled'
      AND wo.company_id = COALESCE(t.company_id, (SELECT wc.company_id FROM contacts wc WHERE wc.id = t.contact_id))
      AND (LOWER(wp.sku) = LOWER(TRIM(t.product)) OR crm_fold(wp.name) = crm_fold(t.product))) END)`;
}

/** A warranty end date: YYYY-MM-DD, or none / empty (null) to clear it; undefined when not given. */
export function parseWarrantyDate(v: string | undefined): string | null | undefined {
  if (v === undefined) return undefined;
  const t = v.trim();
  if (t === '' || t.toLowerCase() === 'none') return null;
  return requireDate(t, 'The warranty end date');
}

/**
 * The last day under a product's warranty of `months` from `start` (YYYY-MM-DD): the same day of
 * the month `months` later, or that month's last day when it is shorter (2026-01-31 + 1 → 2026-02-28).
 */
export function warrantyEnd(start: string, months: number): string {
  const [y, m, d] = start.split('-').map(Number) as [number, number, number];
  const idx = y * 12 + (m - 1) + months;
  const year = Math.floor(idx / 12);
  const month = (idx % 12) + 1;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(Math.min(d, last)).padStart(2, '0')}`;
}

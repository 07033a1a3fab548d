/**
 * The simple form of warranty (issue #20): an end date on the ticket (the customer's installed
 * product) or on the company (what it bought); the ticket's own date wins. Products and orders
 * supply it for `company show` (installed products, ./purchases.ts, via warrantyEnd below); tickets
 * do not use it yet. The rule "on or before the end date = under warranty" stays here.
 */
import { requireDate } from './validate.js';

export interface Warranty {
  until: string;
  source: 'ticket' | 'company';
  /** active: today is on or before the end date; expired: after it. */
  state: 'active' | 'expired';
}

/** The warranty that applies on `today` (YYYY-MM-DD), from the ticket's date, else the company's. */
export function warrantyOf(ticketUntil: string | null, companyUntil: string | null, today: string): Warranty | null {
  const until = ticketUntil ?? companyUntil;
  if (!until) return null;
  return { until, source: ticketUntil ? 'ticket' : 'company', state: today <= until ? 'active' : 'expired' };
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

/**
 * The money math of sales documents (deal lines, quotes, orders, invoices) — one place, pure, on
 * integers only (bigint minor units; quantities in thousandths; rates in basis points).
 *
 * The rounding rule (README "Products, quotes, orders and invoices"):
 *   1. A line's net = quantity × unit price − discount, rounded ONCE per line, half-up, to the
 *      currency's minor unit (JPY 0 decimals, EUR 2, KWD 3). A percentage discount is taken off
 *      before that single rounding; an amount discount is taken off the rounded gross.
 *   2. Tax per line (the default): each line's tax = its net × its rate, rounded half-up per line;
 *      the document's tax is the sum of the lines' taxes.
 *      Tax per document: the nets are summed per rate, and each rate's tax is rounded half-up once.
 *   3. The document's subtotal is the sum of the line nets; its total = subtotal + tax.
 * Amounts are never negative: a discount larger than the line is an error.
 */
import { UserError } from '../errors.js';
import { divideHalfUp, MAX_MINOR, Money } from './money.js';

export type TaxMode = 'line' | 'document';
export const TAX_MODES: readonly TaxMode[] = ['line', 'document'];

/** Quantities carry up to three decimals: 2.5 hours is 2500 thousandths. */
export const QUANTITY_SCALE = 1000n;
/** Rates (discount %, tax %) in parts per million: 19% is 190000, 8.875% is 88750. */
export const RATE_SCALE = 1_000_000n;

export interface PricedLine {
  /** Thousandths of a unit (3 → 3000). */
  quantityMilli: bigint;
  /** Minor units of the document's currency. */
  unitPriceMinor: bigint;
  /** A percentage discount in parts per million (10% → 100000), or null. */
  discountPpm: number | null;
  /** An amount discount in minor units, or null (at most one of the two discounts). */
  discountMinor: bigint | null;
  /** Tax rate in parts per million (19% → 190000). */
  taxRatePpm: number;
}

export interface LineAmounts {
  /** quantity × unit price before any discount, rounded half-up. */
  gross: bigint;
  discount: bigint;
  net: bigint;
  /** This line's own tax (per-line mode); in per-document mode the document's tax is computed by rate. */
  tax: bigint;
}

export interface DocumentTotals {
  lines: LineAmounts[];
  subtotal: bigint;
  discount: bigint;
  tax: bigint;
  total: bigint;
  /** Net and tax per tax rate (parts per million), in rate order. */
  taxByRate: { ratePpm: number; net: bigint; tax: bigint }[];
}

export function lineAmounts(line: PricedLine): LineAmounts {
  const { quantityMilli: q, unitPriceMinor: p } = line;
  if (q < 0n || p < 0n) throw new UserError('Quantities and prices cannot be negative.', undefined, 'invalid_line');
  const gross = divideHalfUp(q * p, QUANTITY_SCALE);
  let net: bigint;
  if (line.discountPpm !== null && line.discountPpm !== 0) {
    const ppm = BigInt(line.discountPpm);
    if (ppm < 0n || ppm > RATE_SCALE) throw new UserError('A discount is between 0% and 100%.', undefined, 'invalid_discount');
    net = divideHalfUp(q * p * (RATE_SCALE - ppm), QUANTITY_SCALE * RATE_SCALE);
  } else if (line.discountMinor !== null && line.discountMinor !== 0n) {
    if (line.discountMinor < 0n) throw new UserError('A discount cannot be negative.', undefined, 'invalid_discount');
    if (line.discountMinor > gross) throw new UserError('The discount is larger than the line.', 'Give a smaller discount, or a percentage: --discount 10%', 'invalid_discount');
    net = gross - line.discountMinor;
  } else {
    net = gross;
  }
  if (line.taxRatePpm < 0) throw new UserError('A tax rate cannot be negative.', undefined, 'invalid_tax');
  const tax = divideHalfUp(net * BigInt(line.taxRatePpm), RATE_SCALE);
  return { gross, discount: gross - net, net, tax };
}

export function documentTotals(lines: readonly PricedLine[], mode: TaxMode = 'line'): DocumentTotals {
  const amounts = lines.map(lineAmounts);
  const byRate = new Map<number, { net: bigint; lineTax: bigint }>();
  lines.forEach((l, i) => {
    const r = byRate.get(l.taxRatePpm) ?? { net: 0n, lineTax: 0n };
    r.net += amounts[i]!.net;
    r.lineTax += amounts[i]!.tax;
    byRate.set(l.taxRatePpm, r);
  });
  const taxByRate = [...byRate.entries()]
    .sort(([a], [b]) => a - b)
    .map(([ratePpm, r]) => ({ ratePpm, net: r.net, tax: mode === 'line' ? r.lineTax : divideHalfUp(r.net * BigInt(ratePpm), RATE_SCALE) }));
  const subtotal = amounts.reduce((s, a) => s + a.net, 0n);
  const discount = amounts.reduce((s, a) => s + a.discount, 0n);
  const tax = taxByRate.reduce((s, r) => s + r.tax, 0n);
  return { lines: amounts, subtotal, discount, tax, total: subtotal + tax, taxByRate };
}

// ——— parsing the values people type, one parser per kind ———

/** "3", "2.5", "0.125" → thousandths. Positive, at most three decimals. */
export function parseQuantity(text: string): bigint {
  const m = /^\s*(\d+)(?:\.(\d{1,3}))?\s*$/.exec(text);
  if (!m) throw new UserError(`Not a quantity: "${text}".`, 'Write a positive number with at most three decimals, e.g. --qty 3 or --qty 2.5', 'invalid_quantity');
  const milli = BigInt(m[1]!) * QUANTITY_SCALE + BigInt((m[2] ?? '').padEnd(3, '0'));
  if (milli === 0n) throw new UserError('The quantity must be more than zero.', 'e.g. --qty 1', 'invalid_quantity');
  // Stored as a number like amounts (money.ts MAX_MINOR): beyond it the quantity would come back rounded.
  if (milli > MAX_MINOR) throw new UserError(`The quantity ${text.trim()} is too large (at most ${formatQuantity(MAX_MINOR)}).`, undefined, 'invalid_quantity');
  return milli;
}

export function formatQuantity(milli: bigint | number): string {
  const m = BigInt(milli);
  const whole = m / QUANTITY_SCALE;
  const frac = (m % QUANTITY_SCALE).toString().padStart(3, '0').replace(/0+$/, '');
  return frac ? `${whole}.${frac}` : `${whole}`;
}

/** "19", "19%", "8.875%" → parts per million (190000, 88750). */
export function parseRate(text: string, what = 'rate'): number {
  const m = /^\s*(\d{1,3})(?:\.(\d{1,4}))?\s*%?\s*$/.exec(text);
  const ppm = m ? Number(m[1]) * 10000 + Number((m[2] ?? '').padEnd(4, '0')) : NaN;
  if (!m || ppm > 1_000_000) throw new UserError(`Not a ${what}: "${text}".`, `Write a percentage between 0 and 100 with at most four decimals, e.g. 19% or 8.875%`, 'invalid_rate');
  return ppm;
}

export function formatRate(ppm: number): string {
  const whole = Math.trunc(ppm / 10000);
  const frac = String(ppm % 10000).padStart(4, '0').replace(/0+$/, '');
  return `${whole}${frac ? '.' + frac : ''}%`;
}

/** "10%" → a percentage discount; "50 EUR" or "50" → an amount in the document's currency. */
export function parseDiscount(text: string, currency: string, parseAmount: (text: string, currency: string) => Money): { discountPpm: number | null; discountMinor: bigint | null } {
  const t = text.trim();
  if (t.endsWith('%')) return { discountPpm: parseRate(t, 'discount'), discountMinor: null };
  const m = parseAmount(t, currency);
  if (m.currency !== currency) throw new UserError(`The discount is in ${m.currency} but the document is in ${currency}.`, `Give it in ${currency}, or as a percentage: --discount 10%`, 'currency_mismatch');
  if (m.minor < 0n) throw new UserError('A discount cannot be negative.', undefined, 'invalid_discount');
  return { discountPpm: null, discountMinor: m.minor };
}

export function parseTaxMode(text: string): TaxMode {
  const t = text.trim().toLowerCase().replace(/^per[- ]/, '');
  if (t === 'line' || t === 'document') return t;
  throw new UserError(`Unknown tax mode "${text}".`, 'Use line (tax rounded per line, the default) or document (tax rounded once per rate).', 'invalid_tax_mode');
}

/** The line's discount as people read it: "10%", "50.00 EUR", or null. */
export function discountText(line: Pick<PricedLine, 'discountPpm' | 'discountMinor'>, currency: string): string | null {
  if (line.discountPpm) return formatRate(line.discountPpm);
  if (line.discountMinor) return new Money(line.discountMinor, currency).format();
  return null;
}


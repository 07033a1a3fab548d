/**
 * Lines of deals, quotes, orders and invoices: one table (document_lines), one shape, one money
 * module (./pricing.ts). A line is resolved from what people type (SKU, --qty, --price,
 * --discount, --tax) against the product catalogue in the document's currency; its net and tax
 * are computed once when it is written, and the document's totals are recomputed from its lines
 * in the same transaction.
 */
import type { Selectable, SelectQueryBuilder } from 'kysely';
import type { DocumentLinesTable } from '../db/schema.js';
import type { Trx } from '../db/transaction.js';
import { UserError } from '../errors.js';
import { Money, parseMoney, storableMinor } from './money.js';
import { documentTotals, formatQuantity, formatRate, lineAmounts, parseDiscount, parseQuantity, parseRate, discountText, type PricedLine, type TaxMode } from './pricing.js';
import { getProductRow, productPrice } from './products.js';
import { cleanText } from './validate.js';

export type DocumentKind = 'deal' | 'quote' | 'order' | 'invoice';

type LineRow = Selectable<DocumentLinesTable>;

export interface LineRecord {
  position: number;
  sku: string | null;
  description: string;
  unit: string | null;
  /** "3", "2.5" */
  quantity: string;
  unitPrice: Money;
  /** "10%", "50.00 EUR" or null */
  discount: string | null;
  taxRate: string;
  net: Money;
  tax: Money;
}

export interface TotalsRecord {
  taxMode: TaxMode;
  subtotal: Money;
  discount: Money;
  tax: Money;
  total: Money;
  taxByRate: { rate: string; net: Money; tax: Money }[];
}

/** What a person typed for one line. */
export interface LineInput {
  product: string;
  qty?: string;
  price?: string;
  discount?: string;
  tax?: string;
  description?: string;
}

export function pricedOf(r: Pick<LineRow, 'quantity_milli' | 'unit_price_minor' | 'discount_ppm' | 'discount_minor' | 'tax_rate_ppm'>): PricedLine {
  return {
    quantityMilli: BigInt(r.quantity_milli),
    unitPriceMinor: BigInt(r.unit_price_minor),
    discountPpm: r.discount_ppm,
    discountMinor: r.discount_minor === null ? null : BigInt(r.discount_minor),
    taxRatePpm: r.tax_rate_ppm,
  };
}

export function toLineRecord(r: LineRow, currency: string): LineRecord {
  const priced = pricedOf(r);
  return {
    position: r.position,
    sku: r.sku,
    description: r.description,
    unit: r.unit,
    quantity: formatQuantity(r.quantity_milli),
    unitPrice: new Money(r.unit_price_minor, currency),
    discount: discountText(priced, currency),
    taxRate: formatRate(r.tax_rate_ppm),
    net: new Money(r.net_minor, currency),
    tax: new Money(r.tax_minor, currency),
  };
}

export async function lineRows(db: Trx, kind: DocumentKind, id: number): Promise<LineRow[]> {
  return db.selectFrom('document_lines').selectAll().where('document_kind', '=', kind).where('document_id', '=', id).orderBy('position').execute();
}

/**
 * The lines of every document of a kind whose id the subquery selects, in one query, by document
 * id and in position order (list commands: a constant number of queries whatever the count).
 * The subquery's builder types are loose (any): each names its own table aliases.
 */
export async function lineRowsByDocument(db: Trx, kind: DocumentKind, ids: SelectQueryBuilder<any, any, { id: number }>): Promise<Map<number, LineRow[]>> {
  const rows = await db.selectFrom('document_lines').selectAll().where('document_kind', '=', kind).where('document_id', 'in', ids).orderBy('document_id').orderBy('position').execute();
  const out = new Map<number, LineRow[]>();
  for (const r of rows) {
    const list = out.get(r.document_id);
    if (list) list.push(r);
    else out.set(r.document_id, [r]);
  }
  return out;
}

export async function loadLines(db: Trx, kind: DocumentKind, id: number, currency: string): Promise<LineRecord[]> {
  return (await lineRows(db, kind, id)).map((r) => toLineRecord(r, currency));
}

export function totalsOf(rows: LineRow[], currency: string, mode: TaxMode): TotalsRecord {
  const t = documentTotals(rows.map(pricedOf), mode);
  const m = (v: bigint) => new Money(v, currency);
  return { taxMode: mode, subtotal: m(t.subtotal), discount: m(t.discount), tax: m(t.tax), total: m(t.total), taxByRate: t.taxByRate.map((r) => ({ rate: formatRate(r.ratePpm), net: m(r.net), tax: m(r.tax) })) };
}

/** A quote as people name it: "Q-2026-0001", or "Q-2026-0001 rev 2" for a later revision. */
export function quoteLabel(number: string, revision: number): string {
  return revision > 1 ? `${number} rev ${revision}` : number;
}

/** A stored document's lines and totals as records (quote, order and invoice records carry both). */
export function linesAndTotals(rows: LineRow[], currency: string, mode: string): { lines: LineRecord[]; totals: TotalsRecord } {
  return { lines: rows.map((r) => toLineRecord(r, currency)), totals: totalsOf(rows, currency, mode as TaxMode) };
}

/** Resolve a typed line against the catalogue, in the document's currency (inside the write transaction). */
export async function resolveLine(trx: Trx, input: LineInput, currency: string): Promise<Omit<LineRow, 'id' | 'document_kind' | 'document_id' | 'position'>> {
  const product = await getProductRow(trx, input.product);
  if (product.archived_at) throw new UserError(`Product ${product.sku} is archived.`, `Restore it first: crm product restore ${product.sku}`, 'archived');
  const quantityMilli = parseQuantity(input.qty ?? '1');
  let unitPriceMinor: bigint;
  if (input.price !== undefined) {
    const m = parseMoney(input.price, { defaultCurrency: currency });
    if (m.currency !== currency) throw new UserError(`The price is in ${m.currency} but the document is in ${currency}.`, `Give it in ${currency}: --price "… ${currency}"`, 'currency_mismatch');
    if (m.minor < 0n) throw new UserError('A price cannot be negative.', undefined, 'invalid_amount');
    unitPriceMinor = m.minor;
  } else {
    unitPriceMinor = await productPrice(trx, product, currency);
  }
  const discount = input.discount === undefined || input.discount.trim() === '' ? { discountPpm: null, discountMinor: null } : parseDiscount(input.discount, currency, (t, c) => parseMoney(t, { defaultCurrency: c }));
  const taxRatePpm = input.tax !== undefined ? parseRate(input.tax, 'tax rate') : product.tax_rate_ppm;
  const priced: PricedLine = { quantityMilli, unitPriceMinor, ...discount, taxRatePpm };
  const amounts = lineAmounts(priced);
  return {
    product_id: product.id,
    sku: product.sku,
    description: cleanText(input.description) ?? product.name,
    unit: product.unit,
    quantity_milli: Number(quantityMilli),
    unit_price_minor: storableMinor(unitPriceMinor, currency, 'The unit price'),
    discount_ppm: discount.discountPpm,
    discount_minor: discount.discountMinor === null ? null : storableMinor(discount.discountMinor, currency, 'The discount'),
    tax_rate_ppm: taxRatePpm,
    net_minor: storableMinor(amounts.net, currency, `The line's net (${formatQuantity(quantityMilli)} × ${new Money(unitPriceMinor, currency).format()})`),
    tax_minor: storableMinor(amounts.tax, currency, "The line's tax"),
  };
}

export async function appendLine(trx: Trx, kind: DocumentKind, id: number, line: Omit<LineRow, 'id' | 'document_kind' | 'document_id' | 'position'>): Promise<number> {
  const last = await trx.selectFrom('document_lines').select((eb) => eb.fn.max('position').as('p')).where('document_kind', '=', kind).where('document_id', '=', id).executeTakeFirst();
  const position = Number(last?.p ?? 0) + 1;
  await trx.insertInto('document_lines').values({ ...line, document_kind: kind, document_id: id, position }).execute();
  return position;
}

export async function removeLine(trx: Trx, kind: DocumentKind, id: number, position: number, show: string): Promise<void> {
  const r = await trx.deleteFrom('document_lines').where('document_kind', '=', kind).where('document_id', '=', id).where('position', '=', position).executeTakeFirst();
  if (Number(r.numDeletedRows) === 0) throw new UserError(`There is no line ${position}.`, `See the lines: ${show}`, 'not_found');
}

/** Copy every line of one document to another (quote from deal, order from quote, invoice from order). */
export async function copyLines(trx: Trx, from: { kind: DocumentKind; id: number }, to: { kind: DocumentKind; id: number }): Promise<LineRow[]> {
  const rows = await lineRows(trx, from.kind, from.id);
  for (const r of rows) {
    const { id: _id, ...rest } = r;
    await trx.insertInto('document_lines').values({ ...rest, document_kind: to.kind, document_id: to.id }).execute();
  }
  return rows;
}

/** Recompute a stored document's totals from its lines (quotes, orders, invoices). */
export async function storeTotals(trx: Trx, table: 'quotes' | 'orders' | 'invoices', kind: DocumentKind, id: number, currency: string, mode: TaxMode, at: string): Promise<TotalsRecord> {
  const totals = totalsOf(await lineRows(trx, kind, id), currency, mode);
  await trx
    .updateTable(table)
    .set({
      subtotal_minor: storableMinor(totals.subtotal.minor, currency, `The ${kind}'s subtotal`),
      tax_minor: storableMinor(totals.tax.minor, currency, `The ${kind}'s tax`),
      total_minor: storableMinor(totals.total.minor, currency, `The ${kind}'s total`),
      updated_at: at,
    })
    .where('id', '=', id)
    .execute();
  return totals;
}

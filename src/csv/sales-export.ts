/**
 * `crm export orders` (the ERP hand-off: one row per order line, with the customer's and the
 * product's keys) and `crm export products` (the catalogue with its price list). CSV goes through
 * the one CSV writer (./formula.ts, formula cells neutralised unless --raw); JSON and NDJSON are
 * the same rows with camelCase keys and money as {amount, currency}.
 */
import type { Session } from '../domain/session.js';
import { linesAndTotals, quoteLabel } from '../domain/document-lines.js';
import { formatPriceList, listProducts } from '../domain/products.js';
import { Money } from '../domain/money.js';
import { orderExportLines, ORDER_EXPORT_KEYS } from '../domain/orders.js';
import { camel, orderedQuery, RecordWriter, streamOrdered, type ExportFormat, type Sink } from './export.js';

export const SALES_EXPORTS = ['orders', 'products'] as const;
export type SalesExport = (typeof SALES_EXPORTS)[number];

export function isSalesExport(name: string): name is SalesExport {
  return (SALES_EXPORTS as readonly string[]).includes(name.trim().toLowerCase()) || ['order', 'product'].includes(name.trim().toLowerCase());
}

type Cell = string | number | boolean | null | Money;
type Row = Record<string, Cell>;

export const ORDER_EXPORT_COLUMNS = ['order_number', 'ordered_on', 'status', 'customer_reference', 'company_id', 'company_external_id', 'company', 'deal_id', 'quote', 'currency', 'line', 'product_id', 'sku', 'description', 'quantity', 'unit', 'unit_price', 'discount', 'tax_rate', 'net', 'tax', 'order_subtotal', 'order_tax', 'order_total'] as const;
export const PRODUCT_EXPORT_COLUMNS = ['sku', 'name', 'description', 'unit', 'prices', 'tax_rate', 'warranty_months', 'active'] as const;

type LineRow = Parameters<typeof linesAndTotals>[0][number];

/** The export rows of one order's lines. */
function orderLineRows(lines: Record<string, unknown>[]): Row[] {
  const o = lines[0]!;
  const currency = String(o.currency);
  const lineRows = lines as unknown as LineRow[];
  const { lines: records, totals } = linesAndTotals(lineRows, currency, o.tax_mode as string);
  const revision = Number(o.quote_revision);
  return lines.map((r, i) => {
    const l = records[i]!;
    return {
      order_number: o.order_number as string,
      ordered_on: o.ordered_on as string,
      status: o.status as string,
      customer_reference: (o.customer_reference as string | null) ?? null,
      company_id: (o.company_id as number | null) ?? null,
      company_external_id: (o.company_external_id as string | null) ?? null,
      company: (o.company as string | null) ?? null,
      deal_id: (o.deal_id as number | null) ?? null,
      quote: o.quote_number === null || o.quote_number === undefined ? null : quoteLabel(o.quote_number as string, revision),
      currency,
      line: l.position,
      product_id: (r.product_id as number | null) ?? null,
      sku: l.sku,
      description: l.description,
      quantity: l.quantity,
      unit: l.unit,
      unit_price: l.unitPrice,
      discount: l.discount,
      tax_rate: l.taxRate,
      net: l.net,
      tax: l.tax,
      order_subtotal: totals.subtotal,
      order_tax: totals.tax,
      order_total: totals.total,
    };
  });
}

/**
 * Every order line, one order at a time, in order number and line order (the domain's query,
 * orderExportLines); an order's lines come together, so its totals are computed from them as
 * `order show` computes them.
 */
async function eachOrderRow(s: Session, each: (r: Row) => void | Promise<void>): Promise<void> {
  const writeOrder = async (lines: Record<string, unknown>[]) => {
    for (const r of orderLineRows(lines)) await each(r);
  };
  let current: Record<string, unknown>[] = [];
  await streamOrdered(s.db, orderedQuery(orderExportLines(s.db.kysely), ORDER_EXPORT_KEYS), (r) => {
    if (current.length && current[0]!.order_id !== r.order_id) {
      const done = current;
      current = [r];
      return writeOrder(done);
    }
    current.push(r);
  });
  if (current.length) await writeOrder(current);
}

async function productRows(s: Session, all: boolean): Promise<Row[]> {
  return (await listProducts(s, { all })).map((p) => ({
    sku: p.sku,
    name: p.name,
    description: p.description,
    unit: p.unit,
    prices: formatPriceList(p.prices),
    tax_rate: p.taxRate,
    warranty_months: p.warrantyMonths,
    active: p.active,
  }));
}


export async function exportSales(s: Session, what: string, opts: { format: ExportFormat; raw: boolean; excel: boolean }, sink: Sink): Promise<number> {
  const kind: SalesExport = what.trim().toLowerCase().startsWith('order') ? 'orders' : 'products';
  const columns: readonly string[] = kind === 'orders' ? ORDER_EXPORT_COLUMNS : PRODUCT_EXPORT_COLUMNS;
  // In CSV, money is its decimal amount; the currency is a column of its own.
  const text = (v: Cell) => (v === null ? '' : v instanceof Money ? v.amount : String(v));
  const out = new RecordWriter(sink, opts);
  let count = 0;
  const write = (r: Row) => {
    count++;
    return opts.format === 'csv' ? out.csv(columns.map((c) => text(r[c] ?? null))) : out.record(Object.fromEntries(columns.map((c) => [camel(c), r[c] ?? null])));
  };
  await out.start(columns);
  if (kind === 'orders') await eachOrderRow(s, write);
  else for (const r of await productRows(s, true)) await write(r);
  await out.end();
  return count;
}

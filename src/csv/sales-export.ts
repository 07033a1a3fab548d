/**
 * `crm export orders` (the ERP hand-off: one row per order line, with the customer's and the
 * product's keys) and `crm export products` (the catalogue with its price list). CSV goes through
 * the one CSV writer (./formula.ts, formula cells neutralised unless --raw); JSON and NDJSON are
 * the same rows with camelCase keys and money as {amount, currency}.
 */
import type { Session } from '../domain/session.js';
import { listOrders } from '../domain/orders.js';
import { formatPriceList, listProducts } from '../domain/products.js';
import { Money } from '../domain/money.js';
import { csvRecords } from './formula.js';
import { jsonEscaped } from '../output/safe.js';
import { camel, type ExportFormat, type Sink } from './export.js';

export const SALES_EXPORTS = ['orders', 'products'] as const;
export type SalesExport = (typeof SALES_EXPORTS)[number];

export function isSalesExport(name: string): name is SalesExport {
  return (SALES_EXPORTS as readonly string[]).includes(name.trim().toLowerCase()) || ['order', 'product'].includes(name.trim().toLowerCase());
}

type Cell = string | number | boolean | null | Money;
type Row = Record<string, Cell>;

export const ORDER_EXPORT_COLUMNS = ['order_number', 'ordered_on', 'status', 'customer_reference', 'company_id', 'company_external_id', 'company', 'deal_id', 'quote', 'currency', 'line', 'product_id', 'sku', 'description', 'quantity', 'unit', 'unit_price', 'discount', 'tax_rate', 'net', 'tax', 'order_subtotal', 'order_tax', 'order_total'] as const;
export const PRODUCT_EXPORT_COLUMNS = ['sku', 'name', 'description', 'unit', 'prices', 'tax_rate', 'warranty_months', 'active'] as const;

async function orderRows(s: Session): Promise<Row[]> {
  const orders = await listOrders(s);
  const companyIds = [...new Set(orders.map((o) => o.company?.id).filter((id): id is number => id !== undefined))];
  const external = new Map<number, string | null>();
  if (companyIds.length) for (const c of await s.db.kysely.selectFrom('companies').select(['id', 'external_id']).where('id', 'in', companyIds).execute()) external.set(c.id, c.external_id);
  const productIds = new Map<string, number>();
  for (const p of await s.db.kysely.selectFrom('products').select(['id', 'sku']).execute()) productIds.set(p.sku, p.id);
  return orders.flatMap((o) =>
    o.lines.map((l) => ({
      order_number: o.number,
      ordered_on: o.orderedOn,
      status: o.status,
      customer_reference: o.customerReference,
      company_id: o.company?.id ?? null,
      company_external_id: o.company ? (external.get(o.company.id) ?? null) : null,
      company: o.company?.name ?? null,
      deal_id: o.deal?.id ?? null,
      quote: o.quote,
      currency: o.currency,
      line: l.position,
      product_id: l.sku ? (productIds.get(l.sku) ?? null) : null,
      sku: l.sku,
      description: l.description,
      quantity: l.quantity,
      unit: l.unit,
      unit_price: l.unitPrice,
      discount: l.discount,
      tax_rate: l.taxRate,
      net: l.net,
      tax: l.tax,
      order_subtotal: o.totals.subtotal,
      order_tax: o.totals.tax,
      order_total: o.totals.total,
    })),
  );
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
  const rows = kind === 'orders' ? await orderRows(s) : await productRows(s, true);
  const columns: readonly string[] = kind === 'orders' ? ORDER_EXPORT_COLUMNS : PRODUCT_EXPORT_COLUMNS;
  if (opts.format === 'csv') {
    const eol = opts.excel ? '\r\n' : '\n';
    // In CSV, money is its decimal amount; the currency is a column of its own.
    const text = (v: Cell) => (v === null ? '' : v instanceof Money ? v.amount : String(v));
    await sink.write((opts.excel ? '\uFEFF' : '') + csvRecords([columns as string[]], { eol }) + csvRecords(rows.map((r) => columns.map((c) => text(r[c] ?? null))), { raw: opts.raw, eol }));
  } else {
    const objects = rows.map((r) => Object.fromEntries(columns.map((c) => [camel(c), r[c] ?? null])));
    if (opts.format === 'json') await sink.write(jsonEscaped(JSON.stringify(objects, null, 2)) + '\n');
    else await sink.write(objects.map((o) => jsonEscaped(JSON.stringify(o)) + '\n').join(''));
  }
  return rows.length;
}

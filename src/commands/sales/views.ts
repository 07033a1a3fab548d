/** Views shared by the sales documents (deal lines, quotes, orders, invoices): lines and totals. */
import type { LineRecord, TotalsRecord } from '../../domain/document-lines.js';
import type { ListView } from '../../output/columns.js';
import type { Section } from '../../output/render.js';
import type { InstalledProduct, PurchasedOrder, PurchasedProduct, PurchaseHistory } from '../../domain/purchases.js';

export const lineView: ListView<LineRecord> = [
  { key: 'position', label: '#', format: 'int', priority: 0 },
  { key: 'sku', label: 'SKU', priority: 1 },
  { key: 'description', label: 'Description', maxWidth: 30, minWidth: 12, priority: 0 },
  { key: 'quantity', label: 'Qty', align: 'right', whole: true, priority: 0 },
  { key: 'unit', label: 'Unit', priority: 4 },
  { key: 'unitPrice', label: 'Unit price', format: 'money', priority: 0 },
  { key: 'discount', label: 'Discount', align: 'right', whole: true, priority: 2 },
  { key: 'taxRate', label: 'Tax', align: 'right', whole: true, priority: 3 },
  { key: 'net', label: 'Net', format: 'money', priority: 0 },
];

interface TotalRow {
  label: string;
  amount: unknown;
}

const totalsView: ListView<TotalRow> = [
  { key: 'label', label: 'Totals' },
  { key: 'amount', label: 'Amount', format: 'money' },
];

/** Lines and totals as sections of a shown record (JSON prints the record's own fields). */
export function lineSections(lines: LineRecord[], totals: TotalsRecord): Section[] {
  const rows: TotalRow[] = [
    { label: 'Subtotal', amount: totals.subtotal },
    ...totals.taxByRate.filter((r) => r.tax.minor !== 0n).map((r) => ({ label: `Tax ${r.rate} on ${r.net.format()}`, amount: r.tax })),
    { label: `Tax (${totals.taxMode === 'line' ? 'rounded per line' : 'rounded per document'})`, amount: totals.tax },
    { label: 'Total', amount: totals.total },
  ];
  return [
    { title: 'Lines', view: lineView, rows: lines },
    { title: 'Totals', view: totalsView, rows },
  ];
}

const purchasedOrderView: ListView<PurchasedOrder> = [
  { key: 'number', label: 'Order', priority: 0, whole: true },
  { key: 'orderedOn', label: 'Ordered', whole: true, priority: 1 },
  { key: 'status', label: 'Status', priority: 2 },
  { key: 'total', label: 'Total', format: 'money', priority: 0 },
];

const purchasedProductView: ListView<PurchasedProduct> = [
  { key: 'sku', label: 'SKU', priority: 0, whole: true },
  { key: 'name', label: 'Product', maxWidth: 30, minWidth: 12, priority: 0 },
  { key: 'quantity', label: 'Qty', align: 'right', whole: true, priority: 0 },
  { key: 'orders', label: 'Orders', format: 'int', priority: 2 },
];

/** A company's or contact's purchase history as sections of its show page (nothing when it bought nothing). */
export function purchaseSections(p: PurchaseHistory): Section[] {
  if (!p.orders.length) return [];
  return [
    { title: 'Purchases', view: purchasedOrderView, rows: p.orders },
    { title: 'Products bought', view: purchasedProductView, rows: p.products },
    { title: 'Purchase totals', view: totalsView, rows: p.totals.map((t) => ({ label: t.currency, amount: t })) },
  ];
}

export const installedView: ListView<InstalledProduct> = [
  { key: 'sku', label: 'SKU', priority: 0, whole: true },
  { key: 'name', label: 'Product', maxWidth: 30, minWidth: 12, priority: 1 },
  { key: 'quantity', label: 'Qty', align: 'right', whole: true, priority: 2 },
  { key: 'order', label: 'Order', whole: true, priority: 3 },
  { key: 'since', label: 'Since', whole: true, priority: 2 },
  { key: 'warrantyUntil', label: 'Warranty until', whole: true, priority: 0 },
  { key: 'warranty', label: 'Warranty', priority: 0 },
];

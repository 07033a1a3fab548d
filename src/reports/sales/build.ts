/** Sales: orders (not cancelled) dated in the period, per product, owner, company or month: orders, quantity, net amount. */
import { MoneySum, type MoneyBag, type ReportModel } from '../model.js';
import { describePeriod, describeScope, scopeInfo, type ReportScope } from '../scope.js';
import type { SalesBy, SalesRow } from './query.js';
import type { Dimension } from '../dimensions/index.js';

export interface SalesGroupRow {
  group: string;
  /** The product's name, when grouped by product. */
  name?: string | null;
  orders: number;
  quantity: number;
  amount: MoneyBag;
}

const GROUP_LABEL: Record<SalesBy, string> = { product: 'Product', owner: 'Owner', company: 'Company', month: 'Month' };

/**
 * `rows`: counts and quantities (never converted); `amounts`: the same query's rows with the
 * amounts converted under --in (the same rows without it).
 */
export function buildSales(rows: SalesRow[], amounts: SalesRow[], p: { scope: ReportScope; by: SalesBy; dimension?: Dimension; months?: string[]; startDay: string; endDay: string; asOfDay: string }): ReportModel {
  const groups = new Map<string, { name: string | null; orders: number; quantityMilli: bigint; amount: MoneySum }>();
  const nameOf = (r: SalesRow): string => {
    if (p.by === 'month') return p.months?.[Number(r.key)] ?? String(r.key);
    if (p.by === 'product') return r.key === null || r.key === '' ? '(no SKU)' : String(r.key);
    return r.label ?? (r.key === null ? '(none)' : `#${r.key}`);
  };
  const slot = (name: string) => {
    let g = groups.get(name);
    if (!g) groups.set(name, (g = { name: null, orders: 0, quantityMilli: 0n, amount: new MoneySum() }));
    return g;
  };
  if (p.by === 'month') for (const m of p.months ?? []) slot(m);
  for (const r of rows) {
    const g = slot(nameOf(r));
    g.orders += Number(r.orders);
    g.quantityMilli += BigInt(String(r.quantityMilli ?? 0));
    if (p.by === 'product') g.name = r.label;
  }
  for (const r of amounts) slot(nameOf(r)).amount.add(r.currency, r.amountMinor);
  const out: SalesGroupRow[] = [...groups.entries()].map(([group, g]) => ({
    group,
    ...(p.by === 'product' ? { name: g.name } : {}),
    orders: g.orders,
    quantity: Number(g.quantityMilli) / 1000,
    amount: g.amount.bag(),
  }));
  if (p.by !== 'month') out.sort((a, b) => b.orders - a.orders || a.group.localeCompare(b.group));
  const amount = new MoneySum();
  let quantityMilli = 0n;
  for (const g of groups.values()) {
    amount.addBag(g.amount.bag());
    quantityMilli += g.quantityMilli;
  }
  // Orders are counted once each in the total (by product one order can have several products).
  const totalOrders = p.by === 'product' ? null : out.reduce((s, r) => s + r.orders, 0);
  const total = { group: 'Total', orders: totalOrders, quantity: Number(quantityMilli) / 1000, amount: amount.bag() };
  return {
    report: 'sales',
    title: `Sales by ${p.dimension ? p.dimension.label.toLowerCase() : p.by}`,
    scope: scopeInfo(p.scope),
    summary: [
      { key: 'amount', label: 'Sales (net)', value: total.amount, format: 'money', ...(totalOrders === null ? {} : { detail: `${totalOrders} order${totalOrders === 1 ? '' : 's'}` }) },
      { key: 'quantity', label: 'Quantity', value: total.quantity, format: 'number' },
    ],
    tables: [
      {
        name: 'rows',
        columns: [
          { key: 'group', label: p.dimension?.label ?? GROUP_LABEL[p.by], minWidth: 8 },
          ...(p.by === 'product' ? [{ key: 'name', label: 'Name', minWidth: 8, priority: 6 }] : []),
          { key: 'orders', label: 'Orders', format: 'int' as const },
          { key: 'quantity', label: 'Quantity', format: 'number' as const },
          { key: 'amount', label: 'Amount (net)', format: 'money' as const },
        ],
        rows: out as unknown as Record<string, unknown>[],
        total,
        chart: 'orders',
        empty: 'No orders in this period.',
      },
    ],
    notes: [],
    explain: [
      `Orders dated (order date) from ${p.startDay} up to the day before ${p.endDay}` + (p.asOfDay < p.endDay ? `, and on or before the as-of day ${p.asOfDay}` : '') + ` — ${describePeriod(p.scope)}.`,
      p.scope.historical ? 'Cancelled orders are left out if they were cancelled at the as-of instant; orders created after it are left out.' : 'Cancelled orders are left out; open and fulfilled ones count.',
      'Amount = the net of the order lines (after discounts, before tax), summed per currency in minor units' + (p.scope.fx ? `; with --in, each order's net (by product: each line's net) is converted at its order date.` : '; currencies are never mixed.'),
      'Quantity = the sum of the line quantities (in each product\'s unit).',
      p.dimension
        ? p.dimension.explain
        : p.by === 'product'
        ? 'Grouped by the SKU of each order line ("(no SKU)" for a line without a product); Orders = the orders with that product, so the total leaves it out (one order can hold several products).'
        : p.by === 'owner'
          ? "Grouped by the owner of the order's deal (the order's own owner when it has no deal); \"(none)\" when neither has one."
          : p.by === 'company'
            ? 'Grouped by the order\'s company; "(none)" when it has none.'
            : `Grouped by the month of the order date.`,
      describeScope(p.scope),
    ].join('\n'),
    data: { groupBy: p.dimension?.spec ?? p.by, rows: out, total },
  };
}

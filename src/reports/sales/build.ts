/**
 * Sales: orders (not cancelled) dated in the period and won deals without an order closed in it,
 * per product, owner, team, company, source or month: orders, won deals, quantity, net amount.
 */
import { MoneySum, type MoneyBag, type ReportModel } from '../model.js';
import { describePeriod, describeScope, scopeInfo, type ReportScope } from '../scope.js';
import type { SalesBy, SalesRow } from './query.js';
import type { Dimension } from '../dimensions/index.js';
import { compareText } from '../collate.js';

export interface SalesGroupRow {
  group: string;
  /** The product's name, when grouped by product. */
  name?: string | null;
  orders: number;
  /** Won deals without an order (their order does not exist, so they count themselves). */
  deals: number;
  quantity: number;
  amount: MoneyBag;
}

const GROUP_LABEL: Record<SalesBy, string> = { product: 'Product', owner: 'Owner', team: 'Team', company: 'Company', source: 'Source', month: 'Month' };

const GROUPED_BY: Record<SalesBy, string> = {
  product:
    'Grouped by the SKU of each order line and won-deal line ("(no SKU)" for a line without a product, and for a won deal without lines: its whole amount); Orders and Won deals = those with that product, so the total leaves them out (one order can hold several products).',
  owner: "Grouped by the owner of the order's deal (the order's own owner when it has no deal) or of the won deal; \"(none)\" when there is none.",
  team: "Grouped by the team of that owner (the order's deal's owner, else the order's; the won deal's owner); \"(none)\" for an owner without a team or no owner.",
  company: 'Grouped by the company of the order or of the won deal; "(none)" when it has none.',
  source:
    "Grouped by the source of the sale: the deal's source, else its contact's, else its company's (an order without a deal: its contact's, else its company's); compared trimmed and case-insensitively; \"(none)\" when none has one.",
  month: 'Grouped by the month of the order date, or of the day the deal was won.',
};

/**
 * `rows`: counts and quantities (never converted); `amounts`: the same query's rows with the
 * amounts converted under --in (the same rows without it).
 */
export function buildSales(rows: SalesRow[], amounts: SalesRow[], p: { scope: ReportScope; by: SalesBy; dimension?: Dimension; months?: string[]; startDay: string; endDay: string; asOfDay: string }): ReportModel {
  const groups = new Map<string, { group: string; name: string | null; orders: number; deals: number; quantityMilli: bigint; amount: MoneySum }>();
  const nameOf = (r: SalesRow): string => {
    if (p.by === 'month') return p.months?.[Number(r.key)] ?? String(r.key);
    if (p.by === 'product') return r.key === null || r.key === '' ? '(no SKU)' : String(r.key);
    if (p.by === 'team') return r.key === null || r.key === '' ? '(none)' : String(r.key);
    return r.label ?? (r.key === null || r.key === '' ? '(none)' : `#${r.key}`);
  };
  // Sources are one group per folded spelling ("Web" and "web "), named by the spelling first in
  // code-point order (the same on both engines, whatever the database's collation).
  const idOf = (r: SalesRow): string => (p.by === 'source' ? `src:${r.key ?? ''}` : nameOf(r));
  const slot = (r: SalesRow | string) => {
    const id = typeof r === 'string' ? r : idOf(r);
    const name = typeof r === 'string' ? r : nameOf(r);
    let g = groups.get(id);
    if (!g) groups.set(id, (g = { group: name, name: null, orders: 0, deals: 0, quantityMilli: 0n, amount: new MoneySum() }));
    else if (name < g.group) g.group = name;
    return g;
  };
  if (p.by === 'month') for (const m of p.months ?? []) slot(m);
  for (const r of rows) {
    const g = slot(r);
    g.orders += Number(r.orders ?? 0);
    g.deals += Number(r.deals ?? 0);
    g.quantityMilli += BigInt(String(r.quantityMilli ?? 0));
    if (p.by === 'product') g.name ??= r.label;
  }
  for (const r of amounts) slot(r).amount.add(r.currency, r.amountMinor);
  const out: SalesGroupRow[] = [...groups.values()].map((g) => ({
    group: g.group,
    ...(p.by === 'product' ? { name: g.name } : {}),
    orders: g.orders,
    deals: g.deals,
    quantity: Number(g.quantityMilli) / 1000,
    amount: g.amount.bag(),
  }));
  if (p.by !== 'month') out.sort((a, b) => b.orders + b.deals - (a.orders + a.deals) || b.orders - a.orders || compareText(a.group, b.group));
  const amount = new MoneySum();
  let quantityMilli = 0n;
  for (const g of groups.values()) {
    amount.addBag(g.amount.bag());
    quantityMilli += g.quantityMilli;
  }
  // Orders and deals are counted once each in the total (by product one order can have several products).
  const totalOrders = p.by === 'product' ? null : out.reduce((s, r) => s + r.orders, 0);
  const totalDeals = p.by === 'product' ? null : out.reduce((s, r) => s + r.deals, 0);
  const total = { group: 'Total', orders: totalOrders, deals: totalDeals, quantity: Number(quantityMilli) / 1000, amount: amount.bag() };
  const detail = totalOrders === null ? undefined : `${totalOrders} order${totalOrders === 1 ? '' : 's'}` + (totalDeals ? `, ${totalDeals} won deal${totalDeals === 1 ? '' : 's'} without an order` : '');
  return {
    report: 'sales',
    title: `Sales by ${p.dimension ? p.dimension.label.toLowerCase() : p.by}`,
    scope: scopeInfo(p.scope),
    summary: [
      { key: 'amount', label: 'Sales (net)', value: total.amount, format: 'money', ...(detail === undefined ? {} : { detail }) },
      { key: 'quantity', label: 'Quantity', value: total.quantity, format: 'quantity' },
    ],
    tables: [
      {
        name: 'rows',
        columns: [
          { key: 'group', label: p.dimension?.label ?? GROUP_LABEL[p.by], minWidth: 8 },
          ...(p.by === 'product' ? [{ key: 'name', label: 'Name', minWidth: 8, priority: 6 }] : []),
          { key: 'orders', label: 'Orders', format: 'int' as const },
          { key: 'deals', label: 'Won deals', format: 'int' as const, priority: 4 },
          { key: 'quantity', label: 'Quantity', format: 'quantity' as const },
          { key: 'amount', label: 'Amount (net)', format: 'money' as const },
        ],
        rows: out as unknown as Record<string, unknown>[],
        total,
        chart: 'orders',
        empty: 'No orders or won deals in this period.',
      },
    ],
    notes: [],
    explain: [
      `Sales = orders and won deals. Orders dated (order date) from ${p.startDay} up to the day before ${p.endDay}` + (p.asOfDay < p.endDay ? `, and on or before the as-of day ${p.asOfDay}` : '') + ` — ${describePeriod(p.scope)}.`,
      p.scope.historical ? 'Cancelled orders are left out if they were cancelled at the as-of instant; orders created after it are left out.' : 'Cancelled orders are left out; open and fulfilled ones count.',
      "Won deals = deals won in the same period that have no order: a deal that produced an order (even one cancelled since) counts through its order only, never twice; a cancelled order cancels the sale. (Won deals column: those deals.)",
      'Amount = the net of the order lines (after discounts, before tax), and a won deal\'s amount (the net total of its lines when it has lines), summed per currency in minor units' +
        (p.scope.fx ? `; with --in, each order's net (by product: each line's net) is converted at its order date, each won deal at the day it was won.` : '; currencies are never mixed.'),
      "Quantity = the sum of the line quantities (in each product's unit); a won deal without lines adds none.",
      p.dimension ? p.dimension.explain : GROUPED_BY[p.by],
      describeScope(p.scope),
    ].join('\n'),
    data: { groupBy: p.dimension?.spec ?? p.by, rows: out, total },
  };
}

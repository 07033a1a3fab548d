/**
 * Customers: per company, lifetime value, first and last purchase, purchase count — and retention
 * and churn between the previous period and this one.
 */
import { MoneySum, ratio, type MoneyBag, type ReportModel } from '../model.js';
import { describePeriod, describeScope, scopeInfo, type ReportScope } from '../scope.js';
import type { Period } from '../../domain/period.js';
import type { CustomerRow, CustomerWindows } from './query.js';
import type { Dimension } from '../dimensions/index.js';
import { compareText } from '../collate.js';

/** Customers of one group of a dimension (--by field:industry, segment:vip, age-band). */
export interface CustomerDimensionRow {
  group: string;
  customers: number;
  active: number;
  new: number;
  retained: number;
  churned: number;
  retention: number | null;
  churn: number | null;
  purchases: number;
  lifetimeValue: MoneyBag;
}

/** The per-company rows summed per group: the same counts as the report's totals, per group. */
export function customerGroups(rows: CustomerGroupRow[], groupOf: (companyId: number) => string): CustomerDimensionRow[] {
  const groups = new Map<string, { rows: CustomerGroupRow[] }>();
  for (const r of rows) {
    const g = groupOf(r.companyId);
    if (!groups.has(g)) groups.set(g, { rows: [] });
    groups.get(g)!.rows.push(r);
  }
  return [...groups.entries()]
    .map(([group, { rows: rs }]) => {
      const count = (st: CustomerStatus) => rs.filter((r) => r.status === st).length;
      const previousActive = count('retained') + count('churned');
      const value = new MoneySum();
      for (const r of rs) value.addBag(r.lifetimeValue);
      return {
        group,
        customers: rs.length,
        active: rs.filter((r) => r.purchasesInPeriod > 0).length,
        new: count('new'),
        retained: count('retained'),
        churned: count('churned'),
        retention: ratio(count('retained'), previousActive),
        churn: ratio(count('churned'), previousActive),
        purchases: rs.reduce((n, r) => n + r.purchases, 0),
        lifetimeValue: value.bag(),
      };
    })
    .sort((a, b) => (a.group.startsWith('(') ? 1 : 0) - (b.group.startsWith('(') ? 1 : 0) || b.customers - a.customers || compareText(a.group, b.group));
}

export type CustomerStatus = 'new' | 'retained' | 'returning' | 'churned' | 'inactive';

export interface CustomerGroupRow {
  company: string;
  companyId: number;
  purchases: number;
  lifetimeValue: MoneyBag;
  firstPurchase: string;
  lastPurchase: string;
  purchasesInPeriod: number;
  status: CustomerStatus;
}

export function buildCustomers(rows: CustomerRow[], p: { scope: ReportScope; previous: Period; windows: CustomerWindows; dimension?: { dimension: Dimension; groupOf: (companyId: number) => string } }): ReportModel {
  const byCompany = new Map<number, { company: string; purchases: number; value: MoneySum; first: string; last: string; inPeriod: number; inPrevious: number }>();
  for (const r of rows) {
    const id = Number(r.companyId);
    let c = byCompany.get(id);
    if (!c) byCompany.set(id, (c = { company: r.company, purchases: 0, value: new MoneySum(), first: String(r.first), last: String(r.last), inPeriod: 0, inPrevious: 0 }));
    c.purchases += Number(r.orders);
    c.value.add(r.currency, r.amountMinor);
    if (String(r.first) < c.first) c.first = String(r.first);
    if (String(r.last) > c.last) c.last = String(r.last);
    c.inPeriod += Number(r.inPeriod);
    c.inPrevious += Number(r.inPrevious);
  }
  const [pStart] = p.windows.period;
  const out: CustomerGroupRow[] = [...byCompany.entries()].map(([companyId, c]) => {
    const status: CustomerStatus =
      c.inPeriod > 0 ? (c.inPrevious > 0 ? 'retained' : c.first >= pStart ? 'new' : 'returning') : c.inPrevious > 0 ? 'churned' : 'inactive';
    return { company: c.company, companyId, purchases: c.purchases, lifetimeValue: c.value.bag(), firstPurchase: c.first, lastPurchase: c.last, purchasesInPeriod: c.inPeriod, status };
  });
  out.sort((a, b) => b.purchases - a.purchases || compareText(a.company, b.company));
  const count = (s: CustomerStatus) => out.filter((r) => r.status === s).length;
  const previousActive = out.filter((r) => r.status === 'retained' || r.status === 'churned').length;
  const active = out.filter((r) => r.purchasesInPeriod > 0).length;
  const retained = count('retained');
  const churned = count('churned');
  const lifetime = new MoneySum();
  for (const r of out) lifetime.addBag(r.lifetimeValue);
  const totals = {
    customers: out.length,
    active,
    new: count('new'),
    returning: count('returning'),
    previousActive,
    retained,
    churned,
    retention: ratio(retained, previousActive),
    churn: ratio(churned, previousActive),
    lifetimeValue: lifetime.bag(),
  };
  const groups = p.dimension ? customerGroups(out, p.dimension.groupOf) : undefined;
  const [prevStart, prevEnd] = p.windows.previous;
  const [, pEnd] = p.windows.period;
  return {
    report: 'customers',
    title: p.dimension ? `Customers by ${p.dimension.dimension.label.toLowerCase()}` : 'Customers',
    scope: scopeInfo(p.scope),
    summary: [
      { key: 'retention', label: 'Retention', value: totals.retention, format: 'percent', detail: `${retained} of ${previousActive} customers of ${p.previous.label} bought again` },
      { key: 'churn', label: 'Churn', value: totals.churn, format: 'percent', detail: `${churned} did not` },
      { key: 'active', label: 'Active customers', value: active, format: 'int', detail: `${totals.new} new, ${totals.returning} returning` },
      { key: 'lifetimeValue', label: 'Lifetime value', value: totals.lifetimeValue, format: 'money', detail: `${out.length} customer${out.length === 1 ? '' : 's'}` },
    ],
    tables: [
      ...(groups && p.dimension
        ? [
            {
              name: 'rows',
              columns: [
                { key: 'group', label: p.dimension.dimension.label, minWidth: 10 },
                { key: 'customers', label: 'Customers', format: 'int' as const },
                { key: 'active', label: 'Active', format: 'int' as const },
                { key: 'new', label: 'New', format: 'int' as const, priority: 6 },
                { key: 'retention', label: 'Retention', format: 'percent' as const },
                { key: 'churn', label: 'Churn', format: 'percent' as const },
                { key: 'purchases', label: 'Purchases', format: 'int' as const },
                { key: 'lifetimeValue', label: 'Lifetime value', format: 'money' as const },
              ],
              rows: groups as unknown as Record<string, unknown>[],
              chart: 'customers',
              empty: 'No company has an order yet.',
            },
          ]
        : []),
      {
        name: groups ? 'companies' : 'rows',
        columns: [
          { key: 'company', label: 'Company', minWidth: 10 },
          { key: 'purchases', label: 'Purchases', format: 'int' },
          { key: 'lifetimeValue', label: 'Lifetime value', format: 'money' },
          { key: 'firstPurchase', label: 'First', format: 'date', priority: 6 },
          { key: 'lastPurchase', label: 'Last', format: 'date' },
          { key: 'purchasesInPeriod', label: 'In period', format: 'int' },
          { key: 'status', label: 'Status' },
        ],
        rows: out as unknown as Record<string, unknown>[],
        chart: 'purchases',
        empty: 'No company has an order yet.',
      },
    ],
    notes: previousActive === 0 ? [`No customer bought in ${p.previous.label}, so retention and churn have nothing to divide by (—).`] : [],
    explain: [
      `A purchase is an order (not cancelled) of a company, dated (order date) on or before the as-of day ${p.windows.asOfDay}; orders without a company are left out.`,
      'Lifetime value = the sum of the nets of all its purchases to date (after discounts, before tax), per currency' + (p.scope.fx ? `; with --in, each order converted at its order date.` : '; currencies are never mixed.'),
      'First and last purchase = the earliest and latest order date; purchases = how many orders.',
      `This period: ${describePeriod(p.scope)} — order dates ${pStart} up to the day before ${pEnd}. Previous period: ${p.previous.label}, order dates ${prevStart} up to the day before ${prevEnd}.`,
      'Status: retained = bought in the previous period and again in this one; churned = bought in the previous period, not in this one;',
      'new = first purchase ever in this period; returning = bought in this period, not in the previous one, but before it; inactive = none of these.',
      'Retention = retained ÷ customers who bought in the previous period; churn = churned ÷ the same (retention + churn = 100%). Nothing to divide by: —.',
      ...(p.dimension ? [p.dimension.dimension.explain + ' Each group: the same counts over its customers.'] : []),
      describeScope(p.scope),
    ].join('\n'),
    data: groups
      ? { previousPeriod: { label: p.previous.label, start: p.previous.start, end: p.previous.end }, groupBy: p.dimension!.dimension.spec, rows: groups, companies: out, totals }
      : { previousPeriod: { label: p.previous.label, start: p.previous.start, end: p.previous.end }, rows: out, totals },
  };
}

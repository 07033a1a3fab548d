/**
 * Customers: per company, lifetime value, first and last purchase, purchase count — and retention
 * and churn between the previous period and this one.
 */
import { MoneySum, ratio, type MoneyBag, type ReportModel } from '../model.js';
import { describePeriod, describeScope, scopeInfo, type ReportScope } from '../scope.js';
import type { Period } from '../../domain/period.js';
import type { CustomerRow, CustomerWindows } from './query.js';

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

export function buildCustomers(rows: CustomerRow[], p: { scope: ReportScope; previous: Period; windows: CustomerWindows }): ReportModel {
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
  out.sort((a, b) => b.purchases - a.purchases || a.company.localeCompare(b.company));
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
  const [prevStart, prevEnd] = p.windows.previous;
  const [, pEnd] = p.windows.period;
  return {
    report: 'customers',
    title: 'Customers',
    scope: scopeInfo(p.scope),
    summary: [
      { key: 'retention', label: 'Retention', value: totals.retention, format: 'percent', detail: `${retained} of ${previousActive} customers of ${p.previous.label} bought again` },
      { key: 'churn', label: 'Churn', value: totals.churn, format: 'percent', detail: `${churned} did not` },
      { key: 'active', label: 'Active customers', value: active, format: 'int', detail: `${totals.new} new, ${totals.returning} returning` },
      { key: 'lifetimeValue', label: 'Lifetime value', value: totals.lifetimeValue, format: 'money', detail: `${out.length} customer${out.length === 1 ? '' : 's'}` },
    ],
    tables: [
      {
        name: 'rows',
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
      describeScope(p.scope),
    ].join('\n'),
    data: { previousPeriod: { label: p.previous.label, start: p.previous.start, end: p.previous.end }, rows: out, totals },
  };
}

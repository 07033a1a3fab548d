/** Invoice ageing: open invoices as of a day, outstanding per bucket of days overdue, per currency. */
import { MoneySum, type MoneyBag, type ReportModel } from '../model.js';
import { describeScope, scopeInfo, type ReportScope } from '../scope.js';
import type { AgeingRow } from './query.js';
import { compareText } from '../collate.js';

export const AGEING_BUCKETS = [
  { key: 'current', label: 'Current' },
  { key: 'd1_30', label: '1–30 days' },
  { key: 'd31_60', label: '31–60 days' },
  { key: 'd61_90', label: '61–90 days' },
  { key: 'd90plus', label: '90+ days' },
] as const;

export interface AgeingBucketRow {
  bucket: string;
  label: string;
  invoices: number;
  outstanding: MoneyBag;
}

export interface AgeingCompanyRow {
  company: string;
  companyId: number | null;
  invoices: number;
  current: MoneyBag;
  d1_30: MoneyBag;
  d31_60: MoneyBag;
  d61_90: MoneyBag;
  d90plus: MoneyBag;
  outstanding: MoneyBag;
}

export function buildInvoiceAgeing(rows: AgeingRow[], p: { scope: ReportScope; asOfDay: string; edges: string[]; byCompany: boolean }): ReportModel {
  const buckets = AGEING_BUCKETS.map(() => ({ invoices: 0, sum: new MoneySum() }));
  const companies = new Map<string, { companyId: number | null; invoices: number; sums: MoneySum[]; total: MoneySum }>();
  const total = new MoneySum();
  const overdue = new MoneySum();
  let invoices = 0;
  let overdueCount = 0;
  for (const r of rows) {
    const b = Number(r.bucket);
    const n = Number(r.invoices);
    buckets[b]!.invoices += n;
    buckets[b]!.sum.add(r.currency, r.outstandingMinor);
    total.add(r.currency, r.outstandingMinor);
    invoices += n;
    if (b > 0) {
      overdue.add(r.currency, r.outstandingMinor);
      overdueCount += n;
    }
    if (p.byCompany) {
      const name = r.company ?? '(no company)';
      let c = companies.get(name);
      if (!c) companies.set(name, (c = { companyId: r.companyId === null ? null : Number(r.companyId), invoices: 0, sums: AGEING_BUCKETS.map(() => new MoneySum()), total: new MoneySum() }));
      c.invoices += n;
      c.sums[b]!.add(r.currency, r.outstandingMinor);
      c.total.add(r.currency, r.outstandingMinor);
    }
  }
  const bucketRows: AgeingBucketRow[] = AGEING_BUCKETS.map((b, i) => ({ bucket: b.key, label: b.label, invoices: buckets[i]!.invoices, outstanding: buckets[i]!.sum.bag() }));
  const totalRow = { bucket: 'total', label: 'Total', invoices, outstanding: total.bag() };
  const companyRows: AgeingCompanyRow[] = [...companies.entries()]
    .map(([company, c]) => ({
      company,
      companyId: c.companyId,
      invoices: c.invoices,
      current: c.sums[0]!.bag(),
      d1_30: c.sums[1]!.bag(),
      d31_60: c.sums[2]!.bag(),
      d61_90: c.sums[3]!.bag(),
      d90plus: c.sums[4]!.bag(),
      outstanding: c.total.bag(),
    }))
    .sort((a, b) => compareText(a.company, b.company));
  const [, d30, d60, d90] = p.edges;
  const tables: ReportModel['tables'] = [
    {
      name: 'buckets',
      columns: [
        { key: 'label', label: 'Days overdue' },
        { key: 'invoices', label: 'Invoices', format: 'int' },
        { key: 'outstanding', label: 'Outstanding', format: 'money' },
      ],
      rows: bucketRows as unknown as Record<string, unknown>[],
      total: totalRow,
      chart: 'invoices',
    },
  ];
  if (p.byCompany) {
    tables.push({
      name: 'companies',
      title: 'By company',
      columns: [
        { key: 'company', label: 'Company', minWidth: 10 },
        // On a narrow terminal the count goes first, then the current column (the total stays).
        { key: 'invoices', label: 'Invoices', format: 'int', priority: 7 },
        ...AGEING_BUCKETS.map((b, i) => ({ key: b.key, label: b.label.replace(' days', ''), format: 'money' as const, priority: i === 0 ? 6 : 5 })),
        { key: 'outstanding', label: 'Outstanding', format: 'money' },
      ],
      rows: companyRows as unknown as Record<string, unknown>[],
      empty: 'No open invoices.',
    });
  }
  return {
    report: 'invoices',
    title: `Invoice ageing as of ${p.asOfDay}`,
    scope: scopeInfo(p.scope, false),
    summary: [
      { key: 'outstanding', label: 'Outstanding', value: total.bag(), format: 'money', detail: `${invoices} open invoice${invoices === 1 ? '' : 's'}` },
      { key: 'overdue', label: 'Overdue', value: overdue.bag(), format: 'money', detail: `${overdueCount} invoice${overdueCount === 1 ? '' : 's'}` },
    ],
    tables,
    notes: invoices === 0 ? ['No open invoices.'] : [],
    explain: [
      `Open invoices as of ${p.asOfDay} (the as-of day in ${p.scope.timeZone}): issued (not draft, not void${p.scope.historical ? ' at the as-of instant' : ''}), with an issue date on or before that day,`,
      `and outstanding = total − the payments dated on or before that day, above zero (paid invoices are left out; partly paid ones count with what is left).`,
      `Days overdue = ${p.asOfDay} − due date. Buckets: current = due on or after ${p.asOfDay} (not yet overdue);`,
      `1–30 = due ${d30} … the day before ${p.asOfDay}; 31–60 = due ${d60} … the day before ${d30}; 61–90 = due ${d90} … the day before ${d60};`,
      `90+ = due before ${d90}.`,
      'Outstanding is summed per currency in minor units' + (p.scope.fx ? `; with --in, each invoice's outstanding amount is converted at its issue date.` : '; currencies are never mixed.'),
      p.byCompany ? 'By company: the invoice\'s company; "(no company)" when it has none.' : '',
      describeScope(p.scope),
    ]
      .filter(Boolean)
      .join('\n'),
    data: { asOfDay: p.asOfDay, buckets: bucketRows, total: totalRow, ...(p.byCompany ? { companies: companyRows } : {}) },
  };
}

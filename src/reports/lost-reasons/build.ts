/** Why deals are lost: count and value per lost reason, for deals lost in the period. */
import type { LostReasonRow } from './query.js';
import { MoneySum, ratio, type ReportModel } from '../model.js';
import { describePeriod, describeScope, scopeInfo, type ReportScope } from '../scope.js';
import { compareText } from '../collate.js';

export function buildLostReasons(rows: LostReasonRow[], p: { scope: ReportScope }): ReportModel {
  const groups = new Map<string, { deals: number; value: MoneySum }>();
  for (const r of rows) {
    const key = r.reason ?? '(none)';
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { deals: 0, value: new MoneySum() }));
    g.deals += Number(r.deals);
    g.value.add(r.currency, r.valueMinor);
  }
  const totalDeals = [...groups.values()].reduce((s, g) => s + g.deals, 0);
  const totalValue = new MoneySum();
  const out = [...groups.entries()]
    .map(([reason, g]) => {
      totalValue.addBag(g.value.bag());
      return { reason, deals: g.deals, share: ratio(g.deals, totalDeals), value: g.value.bag() };
    })
    .sort((a, b) => b.deals - a.deals || compareText(a.reason, b.reason));
  const total = { reason: 'Total', deals: totalDeals, share: totalDeals ? 1 : null, value: totalValue.bag() };
  return {
    report: 'lost-reasons',
    title: 'Lost deals by reason',
    scope: scopeInfo(p.scope),
    summary: [],
    tables: [
      {
        name: 'rows',
        columns: [
          { key: 'reason', label: 'Reason' },
          { key: 'deals', label: 'Deals', format: 'int' },
          { key: 'share', label: 'Share', format: 'percent' },
          { key: 'value', label: 'Value', format: 'money' },
        ],
        rows: out,
        total,
        chart: 'deals',
        empty: 'No deals were lost in this period.',
      },
    ],
    notes: [],
    explain: [
      `Deals counted: those whose lost_at lies in ${describePeriod(p.scope)}.`,
      'Deals = how many were lost for that reason; Share = deals ÷ all lost deals of the period; Value = the sum of their amounts, per currency.',
      'The reason is the lost_reason recorded when the deal was lost; "(none)" when it is missing (older or imported data).',
      describeScope(p.scope),
    ].join('\n'),
    data: { rows: out, total },
  };
}

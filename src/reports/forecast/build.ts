/** Forecast: open deals by expected-close month, raw and weighted, next to quota per owner. */
import { Money } from '../../domain/money.js';
import type { OpenByBucketRow } from './query.js';
import type { WonByOwnerRow } from '../quota/query.js';
import { divRound, MoneySum, ratio, type ReportModel } from '../model.js';
import type { OwnerQuota } from '../quota-periods.js';
import { describePeriod, describeScope, scopeInfo, type ReportScope } from '../scope.js';
import { plural } from '../../output/plural.js';
import { compareText } from '../collate.js';

export interface ForecastParams {
  scope: ReportScope;
  months: string[];
}

interface Acc {
  deals: number;
  raw: MoneySum;
  weighted100: MoneySum;
}

const acc = (): Acc => ({ deals: 0, raw: new MoneySum(), weighted100: new MoneySum() });

function weightedBag(a: Acc): Money[] {
  return a.weighted100
    .bag()
    .map((m) => new Money(divRound(m.minor, 100n), m.currency))
    .filter((m) => m.minor !== 0n);
}

export function buildForecast(open: OpenByBucketRow[], won: WonByOwnerRow[], quotas: OwnerQuota[], p: ForecastParams): ReportModel {
  const months = new Map<string, Acc>(p.months.map((m) => [m, acc()]));
  const outside = { before: acc(), after: acc(), none: acc() };
  const owners = new Map<string, Acc & { won: MoneySum }>();
  const total = acc();
  for (const r of open) {
    const bucket = r.bucket ?? 'none';
    const target = months.get(bucket) ?? (bucket in outside ? outside[bucket as keyof typeof outside] : undefined);
    if (!target) continue;
    for (const a of [target]) {
      a.deals += Number(r.deals);
      a.raw.add(r.currency, r.rawMinor);
      a.weighted100.add(r.currency, r.weightedMinorTimes100);
    }
    if (!months.has(bucket)) continue;
    const name = r.owner ?? '(none)';
    let o = owners.get(name);
    if (!o) owners.set(name, (o = { ...acc(), won: new MoneySum() }));
    for (const a of [o, total]) {
      a.deals += Number(r.deals);
      a.raw.add(r.currency, r.rawMinor);
      a.weighted100.add(r.currency, r.weightedMinorTimes100);
    }
  }
  for (const w of won) {
    const name = w.owner ?? '(none)';
    let o = owners.get(name);
    if (!o) owners.set(name, (o = { ...acc(), won: new MoneySum() }));
    o.won.add(w.currency, w.wonMinor);
  }
  const monthRows = [...months.entries()].map(([month, a]) => ({ month, deals: a.deals, raw: a.raw.bag(), weighted: weightedBag(a) }));
  const quotaByOwner = new Map<string, OwnerQuota[]>();
  for (const q of quotas) {
    quotaByOwner.set(q.owner, [...(quotaByOwner.get(q.owner) ?? []), q]);
    if (!owners.has(q.owner)) owners.set(q.owner, { ...acc(), won: new MoneySum() });
  }
  const ownerRows = [...owners.entries()]
    .map(([owner, o]) => {
      const q = quotaByOwner.get(owner)?.[0];
      const weighted = weightedBag(o);
      let expected: number | null = null;
      if (q && q.amountMinor > 0n) {
        const w = weighted.find((m) => m.currency === q.currency)?.minor ?? 0n;
        expected = ratio(o.won.get(q.currency) + w, q.amountMinor);
      }
      return { owner, deals: o.deals, raw: o.raw.bag(), weighted, won: o.won.bag(), quota: q ? new Money(q.amountMinor, q.currency) : null, expectedAttainment: expected };
    })
    .sort((a, b) => compareText(a.owner, b.owner));
  const totals = { month: 'Total', deals: total.deals, raw: total.raw.bag(), weighted: weightedBag(total) };
  const notes: string[] = [];
  if (outside.before.deals) notes.push(`${plural(outside.before.deals, 'open deal')} expected to close before ${p.scope.period.label} — past their close date, not in the forecast: crm report data-quality.`);
  if (outside.none.deals) notes.push(`${outside.none.deals === 1 ? '1 open deal has' : `${outside.none.deals} open deals have`} no expected close date and are not in the forecast.`);
  if (outside.after.deals) notes.push(`${outside.after.deals === 1 ? '1 open deal is' : `${outside.after.deals} open deals are`} expected to close after this period.`);
  const hasQuota = quotas.length > 0;
  return {
    report: 'forecast',
    title: 'Forecast by expected close month',
    scope: scopeInfo(p.scope),
    summary: [
      { key: 'raw', label: 'Open pipeline closing in the period', value: totals.raw, format: 'money', detail: plural(totals.deals, 'deal') },
      { key: 'weighted', label: 'Weighted', value: totals.weighted, format: 'money' },
    ],
    tables: [
      {
        name: 'months',
        columns: [
          { key: 'month', label: 'Expected close' },
          { key: 'deals', label: 'Deals', format: 'int' },
          { key: 'raw', label: 'Raw', format: 'money' },
          { key: 'weighted', label: 'Weighted', format: 'money' },
        ],
        rows: monthRows,
        total: totals,
        chart: 'weighted',
      },
      {
        name: 'byOwner',
        title: 'By owner',
        columns: [
          { key: 'owner', label: 'Owner' },
          { key: 'deals', label: 'Deals', format: 'int' },
          { key: 'raw', label: 'Raw', format: 'money' },
          { key: 'weighted', label: 'Weighted', format: 'money' },
          { key: 'won', label: 'Won so far', format: 'money' },
          ...(hasQuota
            ? [
                { key: 'quota', label: 'Quota', format: 'money' as const },
                { key: 'expectedAttainment', label: 'Won+weighted / quota', format: 'percent' as const },
              ]
            : []),
        ],
        rows: ownerRows,
        empty: 'No open deals close in this period.',
      },
    ],
    notes,
    explain: [
      `Deals counted: deals open at the as-of moment (in an open stage, not won or lost) whose expected close date falls in ${p.scope.period.label} (${p.months[0]} to ${p.months[p.months.length - 1]}), grouped by the month of that date.`,
      'Raw = the sum of their amounts. Weighted = the sum of amount × probability ÷ 100, where probability is the deal\'s own probability when set, else its stage\'s; the sum is rounded to the minor unit once, not per deal.',
      `Won so far = the amounts of the owner's deals whose won_at lies in ${describePeriod(p.scope)}.`,
      'Quota = the owner\'s quota for the period (or the sum of its months/quarters, see crm report quota --explain). Won+weighted / quota = (won so far + weighted open value) ÷ quota, in the quota\'s currency.',
      describeScope(p.scope),
    ].join('\n'),
    data: { months: monthRows, total: totals, byOwner: ownerRows, outside: { beforePeriod: outside.before.deals, afterPeriod: outside.after.deals, noCloseDate: outside.none.deals } },
  };
}

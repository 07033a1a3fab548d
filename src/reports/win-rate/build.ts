/** Win rate = won / (won + lost), for deals closed in the period, by owner, source, campaign or month. */
import type { ClosedDealsRow, WinRateGroup } from './query.js';
import { MoneySum, ratio, type ReportModel } from '../model.js';
import { describePeriod, describeScope, effectiveEnd, scopeInfo, type ReportScope } from '../scope.js';
import { compareText } from '../collate.js';

export const SMALL_SAMPLE = 10;

export interface WinRateParams {
  scope: ReportScope;
  by: WinRateGroup;
  /** Month labels of the period, when by = month (buckets are their indexes). */
  months?: string[];
}

export interface WinRateRow {
  group: string;
  won: number;
  lost: number;
  closed: number;
  winRate: number | null;
  wonValue: ReturnType<MoneySum['bag']>;
  lostValue: ReturnType<MoneySum['bag']>;
}

const GROUP_LABEL: Record<WinRateGroup, string> = { owner: 'Owner', source: 'Source', campaign: 'Campaign', month: 'Month' };

export function buildWinRate(rows: ClosedDealsRow[], p: WinRateParams): ReportModel {
  const groups = new Map<string, { won: number; lost: number; wonValue: MoneySum; lostValue: MoneySum }>();
  const slot = (name: string) => {
    let g = groups.get(name);
    if (!g) groups.set(name, (g = { won: 0, lost: 0, wonValue: new MoneySum(), lostValue: new MoneySum() }));
    return g;
  };
  if (p.by === 'month') for (const m of p.months ?? []) slot(m);
  for (const r of rows) {
    const name =
      p.by === 'month'
        ? (p.months?.[Number(r.key)] ?? String(r.key))
        : r.label ?? (r.key === null ? '(none)' : `#${r.key}`);
    const g = slot(name);
    g.won += Number(r.won);
    g.lost += Number(r.lost);
    g.wonValue.add(r.currency, r.wonMinor);
    g.lostValue.add(r.currency, r.lostMinor);
  }
  const out: WinRateRow[] = [...groups.entries()].map(([group, g]) => ({
    group,
    won: g.won,
    lost: g.lost,
    closed: g.won + g.lost,
    winRate: ratio(g.won, g.won + g.lost),
    wonValue: g.wonValue.bag(),
    lostValue: g.lostValue.bag(),
  }));
  if (p.by !== 'month') out.sort((a, b) => b.closed - a.closed || compareText(a.group, b.group));
  const won = out.reduce((s, r) => s + r.won, 0);
  const lost = out.reduce((s, r) => s + r.lost, 0);
  const wonValue = new MoneySum();
  const lostValue = new MoneySum();
  for (const r of out) {
    wonValue.addBag(r.wonValue);
    lostValue.addBag(r.lostValue);
  }
  const total = { group: 'Total', won, lost, closed: won + lost, winRate: ratio(won, won + lost), wonValue: wonValue.bag(), lostValue: lostValue.bag() };
  const small = out.filter((r) => r.closed > 0 && r.closed < SMALL_SAMPLE).map((r) => r.group);
  const notes: string[] = [];
  if (small.length) notes.push(`Fewer than ${SMALL_SAMPLE} closed deals (a small sample; read the rate with care): ${small.join(', ')}.`);
  const end = effectiveEnd(p.scope);
  return {
    report: 'win-rate',
    title: `Win rate by ${p.by}`,
    scope: scopeInfo(p.scope),
    summary: [
      { key: 'winRate', label: 'Win rate', value: total.winRate, format: 'percent', detail: `${won} won of ${won + lost} closed` },
      { key: 'wonValue', label: 'Won value', value: total.wonValue, format: 'money' },
    ],
    tables: [
      {
        name: 'rows',
        columns: [
          { key: 'group', label: GROUP_LABEL[p.by] },
          { key: 'won', label: 'Won', format: 'int' },
          { key: 'lost', label: 'Lost', format: 'int' },
          { key: 'closed', label: 'Closed', format: 'int' },
          { key: 'winRate', label: 'Win rate', format: 'percent' },
          { key: 'wonValue', label: 'Won value', format: 'money' },
        ],
        rows: out as unknown as Record<string, unknown>[],
        total,
        chart: 'winRate',
        empty: 'No deals were won or lost in this period.',
      },
    ],
    notes,
    explain: [
      'Win rate = won ÷ (won + lost), counted in deals (not value).',
      `A deal counts as won when its won_at lies in ${describePeriod(p.scope)}, and lost when its lost_at does` +
        (end !== p.scope.period.end ? `; instants after the as-of moment ${end} are left out.` : '.'),
      'Open deals do not count. A group with no closed deals has no win rate (—), not 0%.',
      p.by === 'month'
        ? `Grouped by the month (in ${p.scope.timeZone}) of the won_at or lost_at instant.`
        : `Grouped by the deal's ${p.by === 'owner' ? 'owner' : p.by === 'source' ? 'source field' : 'campaign'}; "(none)" when it has none.`,
      'Won value = the sum of the amounts of the won deals, per currency.',
      describeScope(p.scope),
    ].join('\n'),
    data: { groupBy: p.by, rows: out, total },
  };
}

/** Sales cycle: days from creation (or first stage) to won, mean and median; time in each stage. */
import type { CycleGroup, StageMove, WonDealTimes } from './query.js';
import { mean, median, type ReportModel } from '../model.js';
import { describePeriod, describeScope, scopeInfo, type ReportScope } from '../scope.js';

export type CycleStart = 'created' | 'first-stage';

export interface CycleParams {
  scope: ReportScope;
  by: CycleGroup;
  start: CycleStart;
}

const DAY = 86400000;

function daysBetween(a: string, b: string): number {
  return (Date.parse(b) - Date.parse(a)) / DAY;
}

function minOf(values: number[]): number | null {
  let m: number | null = null;
  for (const v of values) if (m === null || v < m) m = v;
  return m;
}

function maxOf(values: number[]): number | null {
  let m: number | null = null;
  for (const v of values) if (m === null || v > m) m = v;
  return m;
}

function round1(v: number | null): number | null {
  return v === null ? null : Math.round(v * 10) / 10;
}

export function buildCycle(deals: WonDealTimes[], moves: StageMove[], p: CycleParams): ReportModel {
  const groups = new Map<string, number[]>();
  const all: number[] = [];
  for (const d of deals) {
    const from = p.start === 'first-stage' ? (d.firstStageAt ?? d.createdAt) : d.createdAt;
    const days = daysBetween(from, d.wonAt);
    const key = d.label ?? '(none)';
    let list = groups.get(key);
    if (!list) groups.set(key, (list = []));
    list.push(days);
    all.push(days);
  }
  const rows = [...groups.entries()]
    .map(([group, v]) => ({ group, won: v.length, meanDays: round1(mean(v)), medianDays: round1(median(v)), minDays: round1(minOf(v)), maxDays: round1(maxOf(v)) }))
    .sort((a, b) => b.won - a.won || a.group.localeCompare(b.group));
  const total = { group: 'Total', won: all.length, meanDays: round1(mean(all)), medianDays: round1(median(all)), minDays: round1(minOf(all)), maxDays: round1(maxOf(all)) };

  // Time in stage: from entering a stage to the next move; the final (won) stage has no duration.
  const inStage = new Map<string, { position: number; days: number[] }>();
  for (let i = 0; i < moves.length; i++) {
    const m = moves[i]!;
    const next = moves[i + 1];
    if (!next || next.dealId !== m.dealId) continue;
    let s = inStage.get(m.stage);
    if (!s) inStage.set(m.stage, (s = { position: m.position, days: [] }));
    s.days.push(daysBetween(m.at, next.at));
  }
  const stages = [...inStage.entries()]
    .sort((a, b) => a[1].position - b[1].position)
    .map(([stage, s]) => ({ stage, deals: s.days.length, meanDays: round1(mean(s.days)), medianDays: round1(median(s.days)) }));

  const startWords = p.start === 'first-stage' ? 'the first deal_stage_history entry of the deal (its first stage)' : "the deal's creation (created_at)";
  return {
    report: 'cycle',
    title: `Sales cycle by ${p.by}`,
    scope: scopeInfo(p.scope),
    summary: [
      { key: 'meanDays', label: 'Mean days to won', value: total.meanDays, format: 'days', detail: `over ${all.length} won deals` },
      { key: 'medianDays', label: 'Median days to won', value: total.medianDays, format: 'days' },
    ],
    tables: [
      {
        name: 'rows',
        columns: [
          { key: 'group', label: p.by === 'owner' ? 'Owner' : 'Source' },
          { key: 'won', label: 'Won deals', format: 'int' },
          { key: 'meanDays', label: 'Mean days', format: 'days' },
          { key: 'medianDays', label: 'Median days', format: 'days' },
          { key: 'minDays', label: 'Min', format: 'days' },
          { key: 'maxDays', label: 'Max', format: 'days' },
        ],
        rows,
        total,
        chart: 'medianDays',
        empty: 'No deals were won in this period.',
      },
      {
        name: 'stages',
        title: 'Time in stage (won deals of the period)',
        columns: [
          { key: 'stage', label: 'Stage' },
          { key: 'deals', label: 'Deals', format: 'int' },
          { key: 'meanDays', label: 'Mean days', format: 'days' },
          { key: 'medianDays', label: 'Median days', format: 'days' },
        ],
        rows: stages,
        chart: 'meanDays',
        empty: 'No stage history for these deals.',
      },
    ],
    notes: [],
    explain: [
      `Cycle length of a deal = days (24-hour spans, with fractions) from ${startWords} to its won_at.`,
      `Deals counted: those whose won_at lies in ${describePeriod(p.scope)}. Lost and open deals are not counted.`,
      'Mean = the sum of the cycle lengths ÷ the number of won deals. Median = the middle cycle length (the mean of the two middle ones for an even count).',
      'Time in stage = from the deal_stage_history entry into a stage to the next entry of the same deal, averaged over the won deals that passed through that stage; the won stage itself has no duration.',
      `Grouped by the deal's ${p.by}; "(none)" when it has none. Days are rounded to one decimal.`,
      describeScope(p.scope),
    ].join('\n'),
    data: { groupBy: p.by, start: p.start, rows, total, stages },
  };
}

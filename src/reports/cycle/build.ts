/** Sales cycle: days from creation (or first stage) to won, mean and median; time in each stage. */
import type { CycleGroup, CycleStats, DurationStats, StageStats } from './query.js';
import type { ReportModel } from '../model.js';
import { describePeriod, describeScope, scopeInfo, type ReportScope } from '../scope.js';
import { compareText } from '../collate.js';

export type CycleStart = 'created' | 'first-stage';

export interface CycleParams {
  scope: ReportScope;
  by: CycleGroup;
  start: CycleStart;
}

const DAY = 86400000;

function round1(v: number | null): number | null {
  return v === null ? null : Math.round(v * 10) / 10;
}

/**
 * Mean and median in days, as the list of durations in days (ms / DAY each) gives them: the
 * median is the middle value, or the mean of the two middle ones for an even count; the mean is
 * the exact sum of milliseconds ÷ (count × DAY), one rounding, whatever order the rows came in.
 */
function days(s: DurationStats): { meanDays: number | null; medianDays: number | null; minDays: number | null; maxDays: number | null } {
  if (s.n === 0 || s.lo === null || s.hi === null) return { meanDays: null, medianDays: null, minDays: null, maxDays: null };
  const median = s.n % 2 ? s.lo / DAY : (s.lo / DAY + s.hi / DAY) / 2;
  return { meanDays: round1(s.sum / (s.n * DAY)), medianDays: round1(median), minDays: round1(s.min === null ? null : s.min / DAY), maxDays: round1(s.max === null ? null : s.max / DAY) };
}

export function buildCycle(stats: CycleStats, stageList: StageStats[], p: CycleParams): ReportModel {
  const rows = stats.groups.map((g) => ({ group: g.group, won: g.n, ...days(g) })).sort((a, b) => b.won - a.won || compareText(a.group, b.group));
  const total = { group: 'Total', won: stats.total.n, ...days(stats.total) };

  // Time in stage: from entering a stage to the next move; the final (won) stage has no duration.
  // Stages in position order; stages of one position in the order their first move was met.
  const stages = [...stageList]
    .sort((a, b) => a.position - b.position || a.firstDealId - b.firstDealId || Date.parse(a.firstAt) - Date.parse(b.firstAt) || a.firstId - b.firstId)
    .map((s) => {
      const d = days(s);
      return { stage: s.stage, deals: s.n, meanDays: d.meanDays, medianDays: d.medianDays };
    });

  const startWords = p.start === 'first-stage' ? 'the first deal_stage_history entry of the deal (its first stage)' : "the deal's creation (created_at)";
  return {
    report: 'cycle',
    title: `Sales cycle by ${p.by}`,
    scope: scopeInfo(p.scope),
    summary: [
      { key: 'meanDays', label: 'Mean days to won', value: total.meanDays, format: 'days', detail: `over ${stats.total.n} won deals` },
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

/** crm report win-rate: won ÷ (won + lost) for deals closed in the period. */
import { defineReport } from '../engine.js';
import { convertDealRows } from '../fx.js';
import { monthsOf } from '../months.js';
import { effectiveEnd } from '../scope.js';
import { buildWinRate } from './build.js';
import { closedDealsByGroup, type WinRateGroup } from './query.js';

export const definition = defineReport<{ by: WinRateGroup }>({
  name: 'win-rate',
  description: 'won ÷ (won + lost) for deals closed in the period, with counts',
  examples: [
    'crm report win-rate --period 2026-Q4',
    'crm report win-rate --by source --from 2026-01-01 --to 2026-06-30',
    'crm report win-rate --by month --period 2026 --json',
    'crm report win-rate --team East --period last-quarter --explain',
    'crm report win-rate --period 2026 --in USD',
  ],
  period: 'quarter',
  asOf: true,
  owners: true,
  money: true,
  options: [{ flags: '--by <group>', description: 'group by', choices: ['owner', 'source', 'campaign', 'month'], default: 'owner' }],
  async run({ session, scope, flags }) {
    const months = flags.by === 'month' ? monthsOf(scope.period, scope.timeZone) : undefined;
    const rows = await closedDealsByGroup(session.db, scope, flags.by, { start: scope.period.start, end: effectiveEnd(scope), boundaries: months?.boundaries });
    return buildWinRate(convertDealRows(scope, rows, ['wonMinor', 'lostMinor']), { scope, by: flags.by, months: months?.labels });
  },
});

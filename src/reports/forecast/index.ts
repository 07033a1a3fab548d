/** crm report forecast: open deals by expected-close month, raw and weighted, next to quota. */
import { formatLocalDateTime } from '../../output/format.js';
import { defineReport } from '../engine.js';
import { convertDealRows, convertQuotas } from '../fx.js';
import { monthsOf } from '../months.js';
import { allCandidateLabels, applicableQuotas } from '../quota-periods.js';
import { quotasFor, wonByOwner } from '../quota/query.js';
import { effectiveEnd } from '../scope.js';
import { buildForecast } from './build.js';
import { openDealsByCloseMonth } from './query.js';

export const definition = defineReport({
  name: 'forecast',
  description: 'expected revenue by expected-close month, raw and weighted, next to quota',
  examples: ['crm report forecast                       this quarter', 'crm report forecast --period 2027 --owner sara', 'crm report forecast --as-of 2026-10-01 --json', 'crm report forecast --in USD --explain'],
  period: 'quarter',
  asOf: true,
  owners: true,
  money: true,
  async run({ session, scope }) {
    const months = monthsOf(scope.period, scope.timeZone);
    const fromDate = formatLocalDateTime(scope.period.start, scope.timeZone).slice(0, 10);
    const toDate = formatLocalDateTime(scope.period.end, scope.timeZone).slice(0, 10);
    const [open, won, quotaRows] = await Promise.all([
      openDealsByCloseMonth(session.db, scope, fromDate, toDate),
      wonByOwner(session.db, scope, scope.period.start, effectiveEnd(scope)),
      quotasFor(session.db, scope, allCandidateLabels(scope.period.label)),
    ]);
    return buildForecast(
      convertDealRows(scope, open, ['rawMinor', 'weightedMinorTimes100']),
      convertDealRows(scope, won, ['wonMinor']),
      convertQuotas(scope, applicableQuotas(quotaRows, scope.period.label)),
      { scope, months: months.labels },
    );
  },
});

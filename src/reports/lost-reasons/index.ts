/** crm report lost-reasons: count and value of lost deals by reason. */
import { defineReport } from '../engine.js';
import { convertDealRows } from '../fx.js';
import { effectiveEnd } from '../scope.js';
import { buildLostReasons } from './build.js';
import { lostByReason } from './query.js';

export const definition = defineReport({
  name: 'lost-reasons',
  description: 'count and value of lost deals by reason',
  examples: ['crm report lost-reasons --period 2026', 'crm report lost-reasons --team East --format csv', 'crm report lost-reasons --period last-month', 'crm report lost-reasons --period 2026 --in EUR --explain'],
  period: 'quarter',
  asOf: true,
  owners: true,
  money: true,
  async run({ session, scope }) {
    const rows = await lostByReason(session.db, scope, scope.period.start, effectiveEnd(scope));
    return buildLostReasons(convertDealRows(scope, rows, ['valueMinor']), { scope });
  },
});

/** crm report lost-reasons: count and value of lost deals by reason. */
import { defineReport } from '../engine.js';
import { effectiveEnd } from '../scope.js';
import { buildLostReasons } from './build.js';
import { lostByReason } from './query.js';

export const definition = defineReport({
  name: 'lost-reasons',
  description: 'count and value of lost deals by reason',
  examples: ['crm report lost-reasons --period 2026', 'crm report lost-reasons --team East --format csv', 'crm report lost-reasons --period last-month'],
  period: 'quarter',
  asOf: true,
  owners: true,
  async run({ session, scope }) {
    return buildLostReasons(await lostByReason(session.db, scope, scope.period.start, effectiveEnd(scope)), { scope });
  },
});

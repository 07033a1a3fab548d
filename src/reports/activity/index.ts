/** crm report activity: the weekly activity report per rep. */
import { defineReport } from '../engine.js';
import { effectiveEnd } from '../scope.js';
import { buildActivity } from './build.js';
import { activityMetrics, dealMetrics, dealsAdvanced, reportableReps } from './query.js';

export const definition = defineReport({
  name: 'activity',
  description: 'the weekly activity report: per rep, every active rep listed (zero activity flagged)',
  examples: ['crm report activity --week 2026-W47', 'crm report activity                       this ISO week', 'crm report activity --period last-week --team East --format csv'],
  period: 'week',
  asOf: true,
  owners: true,
  async run({ session, scope }) {
    const start = scope.period.start;
    const end = effectiveEnd(scope);
    const [reps, metrics, deals, advanced] = await Promise.all([
      reportableReps(session.db, scope),
      activityMetrics(session.db, scope, start, end),
      dealMetrics(session.db, scope, start, end),
      dealsAdvanced(session.db, scope, start, end),
    ]);
    return buildActivity({ reps, metrics, deals, advanced }, { scope });
  },
});

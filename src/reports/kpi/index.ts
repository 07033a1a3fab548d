/** crm report kpi: one screen of KPIs for a cron mail. */
import { defineReport } from '../engine.js';
import { convertDealRows } from '../fx.js';
import { trailingMonths } from '../months.js';
import { effectiveEnd } from '../scope.js';
import { buildKpi } from './build.js';
import { closedTotals, openPipeline, openTickets, overdueTasks, slaKpi, wonTrend } from './query.js';

export const definition = defineReport({
  name: 'kpi',
  description: 'one screen of KPIs for a cron mail (pipeline, won vs previous, win rate, SLA, overdue tasks)',
  examples: [
    'crm report kpi                            this month vs last month',
    'crm report kpi --period 2026-Q4 --team East',
    'crm report kpi --json                     for dashboards',
    'crm report kpi --in EUR                   one currency',
    '0 7 * * 1 crm report kpi --period last-week | mail -s KPIs team@example.com',
  ],
  period: 'month',
  asOf: true,
  owners: true,
  money: true,
  async run({ session, scope }) {
    const db = session.db;
    const previousPeriod = scope.period.previous();
    // Six months ending with the period's last month, for the sparkline.
    const trendMonths = trailingMonths(scope.period, scope.timeZone, 6);
    const [pipeline, current, previous, trendRows, overdue, tickets, sla] = await Promise.all([
      openPipeline(db, scope),
      closedTotals(db, scope, scope.period.start, effectiveEnd(scope)),
      closedTotals(db, scope, previousPeriod.start, effectiveEnd(scope, previousPeriod)),
      wonTrend(db, scope, trendMonths.boundaries),
      overdueTasks(db, scope),
      openTickets(db, scope),
      slaKpi(session, scope),
    ]);
    return buildKpi({
      pipeline: convertDealRows(scope, pipeline, ['rawMinor', 'weightedMinorTimes100']),
      current: convertDealRows(scope, current, ['wonMinor']),
      previous: convertDealRows(scope, previous, ['wonMinor']),
      previousPeriod,
      trend: { labels: trendMonths.labels, rows: convertDealRows(scope, trendRows, ['wonMinor']) }, overdueTasks: overdue, openTickets: tickets, sla }, { scope });
  },
});

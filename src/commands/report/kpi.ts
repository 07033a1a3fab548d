import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { closedTotals, openPipeline, openTickets, overdueTasks, wonTrend } from '../../db/reports/kpi.js';
import { parsePeriod } from '../../domain/period.js';
import { slaKpi } from '../../domain/kpi-sla.js';
import { buildKpi } from '../../reports/kpi.js';
import { monthsOf } from '../../reports/months.js';
import { effectiveEnd } from '../../reports/scope.js';
import { prepareReport, reportCommand, showReport, type ReportFlags } from './common.js';


export function register(parent: Command, ctx: CliContext): void {
  const cmd = reportCommand(parent, 'kpi', 'one screen of KPIs for a cron mail (pipeline, won vs previous, win rate, SLA, overdue tasks)', 'month', [
    'crm report kpi                            this month vs last month',
    'crm report kpi --period 2026-Q4 --team East',
    'crm report kpi --json                     for dashboards',
    '0 7 * * 1 crm report kpi --week $(date +%G-W%V) | mail -s KPIs team@example.com',
  ]);
  cmd.action(async (flags: ReportFlags) => {
    const { session, scope } = await prepareReport(ctx, flags, 'month');
    const db = session.db;
    const previousPeriod = scope.period.previous();
    const lastMonth = monthsOf(scope.period, scope.timeZone).labels.at(-1)!;
    // Six months ending with the period's last month, for the sparkline.
    const [y, m] = lastMonth.split('-').map(Number) as [number, number];
    const firstIdx = y * 12 + (m - 1) - 5;
    const trendPeriod = { ...parsePeriod(`${Math.floor(firstIdx / 12)}-${String((firstIdx % 12) + 1).padStart(2, '0')}`, scope.timeZone) };
    trendPeriod.end = parsePeriod(lastMonth, scope.timeZone).end;
    const trendMonths = monthsOf(trendPeriod, scope.timeZone);
    const [pipeline, current, previous, trendRows, overdue, tickets, sla] = await Promise.all([
      openPipeline(db, scope),
      closedTotals(db, scope, scope.period.start, effectiveEnd(scope)),
      closedTotals(db, scope, previousPeriod.start, effectiveEnd(scope, previousPeriod)),
      wonTrend(db, scope, trendMonths.boundaries),
      overdueTasks(db, scope),
      openTickets(db, scope),
      slaKpi(session, scope),
    ]);
    const model = buildKpi(
      { pipeline, current, previous, previousPeriod, trend: { labels: trendMonths.labels, rows: trendRows }, overdueTasks: overdue, openTickets: tickets, sla },
      { scope },
    );
    showReport(ctx, model, flags);
  });
}

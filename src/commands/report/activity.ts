import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { activityMetrics, dealMetrics, dealsAdvanced, reportableReps } from '../../db/reports/activity.js';
import { buildActivity } from '../../reports/activity.js';
import { effectiveEnd } from '../../reports/scope.js';
import { prepareReport, reportCommand, showReport, type ReportFlags } from './common.js';

export function register(parent: Command, ctx: CliContext): void {
  const cmd = reportCommand(parent, 'activity', 'the weekly activity report: per rep, every active rep listed (zero activity flagged)', 'week', [
    'crm report activity --week 2026-W47',
    'crm report activity                       this ISO week',
    'crm report activity --period 2026-11 --team East --format csv',
  ]);
  cmd.action(async (flags: ReportFlags) => {
    const { session, scope } = await prepareReport(ctx, flags, 'week');
    const start = scope.period.start;
    const end = effectiveEnd(scope);
    const [reps, metrics, deals, advanced] = await Promise.all([
      reportableReps(session.db, scope),
      activityMetrics(session.db, scope, start, end),
      dealMetrics(session.db, scope, start, end),
      dealsAdvanced(session.db, scope, start, end),
    ]);
    showReport(ctx, buildActivity({ reps, metrics, deals, advanced }, { scope }), flags);
  });
}

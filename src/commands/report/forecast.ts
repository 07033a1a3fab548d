import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { openDealsByCloseMonth, quotasFor, wonByOwner } from '../../db/reports/forecast.js';
import { formatLocalDateTime } from '../../output/format.js';
import { buildForecast } from '../../reports/forecast.js';
import { monthsOf } from '../../reports/months.js';
import { allCandidateLabels, applicableQuotas } from '../../reports/quota-periods.js';
import { effectiveEnd } from '../../reports/scope.js';
import { prepareReport, reportCommand, showReport, type ReportFlags } from './common.js';

export function register(parent: Command, ctx: CliContext): void {
  const cmd = reportCommand(parent, 'forecast', 'expected revenue by expected-close month, raw and weighted, next to quota', 'quarter', [
    'crm report forecast                       this quarter',
    'crm report forecast --period 2027 --owner sara',
    'crm report forecast --as-of 2026-10-01 --json',
  ]);
  cmd.action(async (flags: ReportFlags) => {
    const { session, scope } = await prepareReport(ctx, flags, 'quarter');
    const months = monthsOf(scope.period, scope.timeZone);
    const fromDate = formatLocalDateTime(scope.period.start, scope.timeZone).slice(0, 10);
    const toDate = formatLocalDateTime(scope.period.end, scope.timeZone).slice(0, 10);
    const [open, won, quotaRows] = await Promise.all([
      openDealsByCloseMonth(session.db, scope, fromDate, toDate),
      wonByOwner(session.db, scope, scope.period.start, effectiveEnd(scope)),
      quotasFor(session.db, scope, allCandidateLabels(scope.period.label)),
    ]);
    showReport(ctx, buildForecast(open, won, applicableQuotas(quotaRows, scope.period.label), { scope, months: months.labels }), flags);
  });
}

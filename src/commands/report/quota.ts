import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { quotasFor, wonByOwner } from '../../db/reports/forecast.js';
import { buildQuota } from '../../reports/quota.js';
import { allCandidateLabels, applicableQuotas } from '../../reports/quota-periods.js';
import { effectiveEnd } from '../../reports/scope.js';
import { prepareReport, reportCommand, showReport, type ReportFlags } from './common.js';

export function register(parent: Command, ctx: CliContext): void {
  const cmd = reportCommand(parent, 'quota', 'attainment per owner: won value ÷ quota for the period', 'quarter', [
    'crm quota set sara 2026-Q4 120000 --currency EUR',
    'crm report quota --period 2026-Q4',
    'crm report quota --period 2026-11 --team East --json',
  ]);
  cmd.action(async (flags: ReportFlags) => {
    const { session, scope } = await prepareReport(ctx, flags, 'quarter');
    const [won, quotaRows] = await Promise.all([wonByOwner(session.db, scope, scope.period.start, effectiveEnd(scope)), quotasFor(session.db, scope, allCandidateLabels(scope.period.label))]);
    showReport(ctx, buildQuota(won, applicableQuotas(quotaRows, scope.period.label), { scope }), flags);
  });
}

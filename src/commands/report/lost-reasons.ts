import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { lostByReason } from '../../db/reports/lost-reasons.js';
import { buildLostReasons } from '../../reports/lost-reasons.js';
import { effectiveEnd } from '../../reports/scope.js';
import { prepareReport, reportCommand, showReport, type ReportFlags } from './common.js';

export function register(parent: Command, ctx: CliContext): void {
  const cmd = reportCommand(parent, 'lost-reasons', 'count and value of lost deals by reason', 'quarter', ['crm report lost-reasons --period 2026', 'crm report lost-reasons --team East --format csv']);
  cmd.action(async (flags: ReportFlags) => {
    const { session, scope } = await prepareReport(ctx, flags, 'quarter');
    showReport(ctx, buildLostReasons(await lostByReason(session.db, scope, scope.period.start, effectiveEnd(scope)), { scope }), flags);
  });
}

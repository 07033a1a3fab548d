import { Option, type Command } from 'commander';
import type { CliContext } from '../../context.js';
import { closedDealsByGroup, type WinRateGroup } from '../../db/reports/win-rate.js';
import { monthsOf } from '../../reports/months.js';
import { effectiveEnd } from '../../reports/scope.js';
import { buildWinRate } from '../../reports/win-rate.js';
import { prepareReport, reportCommand, showReport, type ReportFlags } from './common.js';

export function register(parent: Command, ctx: CliContext): void {
  const cmd = reportCommand(parent, 'win-rate', 'won ÷ (won + lost) for deals closed in the period, with counts', 'quarter', [
    'crm report win-rate --period 2026-Q4',
    'crm report win-rate --by source --from 2026-01-01 --to 2026-06-30',
    'crm report win-rate --by month --period 2026 --json',
    'crm report win-rate --team East --explain',
  ]).addOption(new Option('--by <group>', 'group by').choices(['owner', 'source', 'campaign', 'month']).default('owner'));
  cmd.action(async (flags: ReportFlags & { by: WinRateGroup }) => {
    const { session, scope } = await prepareReport(ctx, flags, 'quarter');
    const months = flags.by === 'month' ? monthsOf(scope.period, scope.timeZone) : undefined;
    const rows = await closedDealsByGroup(session.db, scope, flags.by, { start: scope.period.start, end: effectiveEnd(scope), boundaries: months?.boundaries });
    showReport(ctx, buildWinRate(rows, { scope, by: flags.by, months: months?.labels }), flags);
  });
}

import { Option, type Command } from 'commander';
import type { CliContext } from '../../context.js';
import { wonDealMoves, wonDealTimes, type CycleGroup } from '../../db/reports/cycle.js';
import { buildCycle, type CycleStart } from '../../reports/cycle.js';
import { effectiveEnd } from '../../reports/scope.js';
import { prepareReport, reportCommand, showReport, type ReportFlags } from './common.js';

export function register(parent: Command, ctx: CliContext): void {
  const cmd = reportCommand(parent, 'cycle', 'days from creation (or first stage) to won, mean and median; time in each stage', 'quarter', [
    'crm report cycle --period 2026',
    'crm report cycle --by source --start first-stage',
    'crm report cycle --owner sara --json',
  ])
    .addOption(new Option('--by <group>', 'group by').choices(['owner', 'source']).default('owner'))
    .addOption(new Option('--start <event>', 'measure from').choices(['created', 'first-stage']).default('created'));
  cmd.action(async (flags: ReportFlags & { by: CycleGroup; start: CycleStart }) => {
    const { session, scope } = await prepareReport(ctx, flags, 'quarter');
    const end = effectiveEnd(scope);
    const [deals, moves] = await Promise.all([wonDealTimes(session.db, scope, flags.by, scope.period.start, end, flags.start === 'first-stage'), wonDealMoves(session.db, scope, scope.period.start, end)]);
    showReport(ctx, buildCycle(deals, moves, { scope, by: flags.by, start: flags.start }), flags);
  });
}

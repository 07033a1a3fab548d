/**
 * The flags every report shares, and the one path from flags to printed report:
 *   flags → resolveScope → query (src/db/reports) → pure builder (src/reports) → printReport.
 */
import { Option, type Command } from 'commander';
import type { CliContext } from '../../context.js';
import { resolveScope, type ScopeFlags } from '../../domain/report-scope.js';
import type { Session } from '../../domain/session.js';
import { printReport } from '../../output/report.js';
import type { ReportModel } from '../../reports/model.js';
import type { ReportScope } from '../../reports/scope.js';
import { collect, examples } from '../common.js';
import { sessionOf } from '../session.js';

export interface ReportFlags extends ScopeFlags {
  explain?: boolean;
  chart?: boolean;
}

export type PeriodDefault = 'week' | 'month' | 'quarter' | 'year';

/** A `crm report NAME` subcommand with the common flags. */
export function reportCommand(parent: Command, name: string, description: string, periodDefault: PeriodDefault, lines: string[]): Command {
  const cmd = parent
    .command(name)
    .description(description)
    .option('--period <period>', `period: 2026-Q4, 2026-11, 2026-W47, 2026 or 2026-11-20 (default: this ${periodDefault})`)
    .option('--week <week>', 'an ISO week, e.g. 2026-W47')
    .option('--from <date>', 'first day included (YYYY-MM-DD)')
    .option('--to <date>', 'last day included (YYYY-MM-DD)')
    .option('--owner <user>', 'only this owner (handle, name or "me"; repeatable)', collect)
    .option('--team <team>', 'only owners in this team')
    .option('--as-of <when>', 'compute as of this instant or the end of this day (from history)')
    .option('--explain', 'print the exact formulas and definitions used')
    .addOption(new Option('--no-chart', 'no bar charts or sparklines (they are drawn on a terminal only)'));
  examples(cmd, lines);
  return cmd;
}

export interface ReportRun {
  session: Session;
  scope: ReportScope;
}

export async function prepareReport(ctx: CliContext, flags: ReportFlags, periodDefault: PeriodDefault): Promise<ReportRun> {
  const session = sessionOf(ctx);
  const scope = await resolveScope(session, flags, periodDefault);
  return { session, scope };
}

export function showReport(ctx: CliContext, model: ReportModel, flags: ReportFlags): void {
  const chart = flags.chart !== false && ctx.io.isStdoutTTY && !ctx.globals.output;
  printReport(ctx.out, model, { chart, explain: Boolean(flags.explain) });
}

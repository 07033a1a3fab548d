/** `crm report pipeline`: the same report as `crm pipeline`. */
import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { runSummary, summaryExamples, summaryOptions, type SummaryOptions } from '../pipeline/summary.js';

export function register(parent: Command, ctx: CliContext): void {
  const cmd = summaryOptions(parent.command('pipeline').description('deals, total and weighted total per stage and currency').argument('[filter...]', 'filter terms for the deals'));
  summaryExamples(cmd, 'crm report pipeline');
  cmd.action((filter: string[], o: SummaryOptions) => runSummary(ctx, filter, o));
}

/**
 * A report definition as a commander subcommand: the common scope flags (hidden from --help where
 * the report cannot honour them; given anyway, they are a usage error saying why), the report's
 * own flags, its examples, and one action: runReport → printReport → the report's check.
 */
import { Option, type Command } from 'commander';
import type { CliContext } from '../../context.js';
import { printReport } from '../../output/report.js';
import { runReport, type AnyReportDefinition, type CommonReportFlags } from '../../reports/engine.js';
import { collect, examples } from '../common.js';
import { sessionOf } from '../session.js';

const PERIOD_WORDS = 'this-week, last-week, this-month, last-month, this-quarter, last-quarter, this-year, last-year, last-30d, 2026-W48, 2026-11, 2026-Q4, 2026, 2026-11-20';

/** Adds the common and the report's own flags to `cmd` (also used by `crm pipeline`). */
export function addReportOptions(cmd: Command, def: AnyReportDefinition): Command {
  const noPeriod = def.period === 'none';
  const periodDefault = def.period === 'optional' ? 'none' : noPeriod ? '' : `this ${def.period}; with --as-of alone, the one containing it`;
  const common = [
    new Option('--period <period>', `period: ${PERIOD_WORDS} (default: ${periodDefault})`).hideHelp(noPeriod),
    new Option('--week <week>', 'an ISO week, e.g. 2026-W47 (or this-week, last-week)').hideHelp(noPeriod),
    new Option('--from <date>', 'first day included (YYYY-MM-DD)').hideHelp(noPeriod),
    new Option('--to <date>', 'last day included (YYYY-MM-DD)').hideHelp(noPeriod),
    new Option('--owner <user>', 'only this owner (handle, name or "me"; repeatable)').argParser(collect).hideHelp(def.owners !== true),
    new Option('--team <team>', 'only owners in this team').hideHelp(def.owners !== true),
    new Option('--as-of <when>', 'compute as of this instant, or the end of this day (from history)').hideHelp(def.asOf !== true),
    new Option('--in [currency]', 'convert every amount into this currency at its own date (bare --in: the home currency, crm config get currency)').hideHelp(!def.money),
    new Option('--explain', 'print the exact formulas and definitions used'),
    new Option('--no-chart', 'no bar charts or sparklines (they are drawn on a terminal only)'),
    new Option('--totals', 'CSV/TSV: end with the totals row (default: rows only, for a spreadsheet)'),
    new Option('--table <name>', 'CSV/TSV/NDJSON: which table of the report (default: its main one)'),
  ];
  for (const o of common) cmd.addOption(o);
  for (const own of def.options ?? []) {
    const o = new Option(own.flags, own.description);
    if (own.choices) o.choices(own.choices);
    if (own.parse) o.argParser(own.parse);
    if (own.default !== undefined) o.default(own.default);
    cmd.addOption(o);
  }
  return cmd;
}

/** Runs a report and prints it the one way every report is printed; then its check (exit 3). */
export async function showReport(ctx: CliContext, def: AnyReportDefinition, flags: CommonReportFlags, filter: string[] = []): Promise<void> {
  const model = await runReport(def, sessionOf(ctx), flags, filter);
  const chart = flags.chart !== false && ctx.io.isStdoutTTY && !ctx.globals.output;
  const { totals, table } = flags as { totals?: boolean; table?: string };
  try {
    await printReport(ctx.out, model, { chart, explain: Boolean(flags.explain), noChart: flags.chart === false, totals, table });
  } finally {
    await model.close?.();
  }
  def.check?.(model, flags);
}

/** `crm report NAME` generated from its definition. */
export function reportCommand(parent: Command, ctx: CliContext, def: AnyReportDefinition): Command {
  const cmd = parent.command(def.name).description(def.description);
  if (def.filterArgs) cmd.argument('[filter...]', def.filterArgs);
  addReportOptions(cmd, def);
  examples(cmd, def.examples);
  if (def.filterArgs) cmd.action((filter: string[], flags: CommonReportFlags) => showReport(ctx, def, flags, filter));
  else cmd.action((flags: CommonReportFlags) => showReport(ctx, def, flags));
  return cmd;
}

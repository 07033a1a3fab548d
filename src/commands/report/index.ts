/**
 * `crm report <name>`: each report is a file exporting register(parent, ctx). Add yours to the
 * list below (one line, in the order `crm report --help` lists them); builders live in
 * src/reports and are pure (rows + now → model).
 *
 * Only the report named on the command line is loaded (its queries, builders, luxon for the
 * ticket and SLA reports…); help, a missing name or an unknown one load them all.
 */
import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import type { NounInvocation } from '../registry.js';

export interface ReportModule {
  register(parent: Command, ctx: CliContext): void;
}

export interface ReportEntry {
  /** The subcommand name the module registers (test/commands/report-registry.test.ts checks). */
  name: string;
  load: () => Promise<ReportModule>;
}

export const reports: ReportEntry[] = [
  { name: 'pipeline', load: () => import('./pipeline.js') },
  { name: 'win-rate', load: () => import('./win-rate.js') },
  { name: 'cycle', load: () => import('./cycle.js') },
  { name: 'forecast', load: () => import('./forecast.js') },
  { name: 'quota', load: () => import('./quota.js') },
  { name: 'lost-reasons', load: () => import('./lost-reasons.js') },
  { name: 'untouched', load: () => import('./untouched.js') },
  { name: 'sla', load: () => import('./sla.js') },
  { name: 'tickets', load: () => import('./tickets.js') },
  { name: 'activity', load: () => import('./activity.js') },
  { name: 'kpi', load: () => import('./kpi.js') },
  { name: 'data-quality', load: () => import('./data-quality.js') },
  { name: 'sources', load: () => import('./sources.js') },
];

export async function register(noun: Command, ctx: CliContext, { verb }: NounInvocation): Promise<void> {
  noun.description('reports and KPIs: every report has --json, --format csv and --explain');
  const named = reports.find((r) => r.name === verb);
  const modules = await Promise.all((named ? [named] : reports).map((r) => r.load()));
  for (const m of modules) m.register(noun, ctx);
}

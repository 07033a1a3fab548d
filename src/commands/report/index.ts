/**
 * `crm report <name>`: one subcommand per report definition (src/reports/catalog.ts), generated
 * with the common flags by ./command.ts. Only the report named on the command line is loaded;
 * help, a missing name or an unknown one load them all.
 */
import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { reportCatalog } from '../../reports/catalog.js';
import type { NounInvocation } from '../registry.js';
import { reportCommand } from './command.js';

export interface ReportModule {
  register(parent: Command, ctx: CliContext): void;
}

export interface ReportEntry {
  /** The subcommand name the module registers (test/commands/report-registry.test.ts checks). */
  name: string;
  load: () => Promise<ReportModule>;
}

export const reports: ReportEntry[] = reportCatalog.map((e) => ({
  name: e.name,
  load: async () => {
    const def = await e.load();
    return { register: (parent: Command, ctx: CliContext) => void reportCommand(parent, ctx, def) };
  },
}));

export async function register(noun: Command, ctx: CliContext, { verb }: NounInvocation): Promise<void> {
  noun.description('reports and KPIs: every report has --period, --as-of, --owner/--team, --json, --format csv and --explain');
  const named = reports.find((r) => r.name === verb);
  const modules = await Promise.all((named ? [named] : reports).map((r) => r.load()));
  for (const m of modules) m.register(noun, ctx);
}

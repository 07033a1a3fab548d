/**
 * Every report, in the order `crm report --help` lists them. A definition is loaded only when
 * its report runs (its queries, builder, luxon for the ticket and SLA reports…); help, a missing
 * name or an unknown one load them all. Add a report: a folder src/reports/<name>/ and one line here.
 */
import type { AnyReportDefinition } from './engine.js';

export interface ReportEntry {
  /** The subcommand name; the definition's name (test/commands/report-registry.test.ts checks). */
  name: string;
  load: () => Promise<AnyReportDefinition>;
}

export const reportCatalog: ReportEntry[] = [
  { name: 'pipeline', load: async () => (await import('./pipeline/index.js')).definition },
  { name: 'win-rate', load: async () => (await import('./win-rate/index.js')).definition },
  { name: 'cycle', load: async () => (await import('./cycle/index.js')).definition },
  { name: 'forecast', load: async () => (await import('./forecast/index.js')).definition },
  { name: 'quota', load: async () => (await import('./quota/index.js')).definition },
  { name: 'lost-reasons', load: async () => (await import('./lost-reasons/index.js')).definition },
  { name: 'untouched', load: async () => (await import('./untouched/index.js')).definition },
  { name: 'sla', load: async () => (await import('./sla/index.js')).definition },
  { name: 'tickets', load: async () => (await import('./tickets/index.js')).definition },
  { name: 'recurring', load: async () => (await import('./recurring/index.js')).definition },
  { name: 'agents', load: async () => (await import('./agents/index.js')).definition },
  { name: 'activity', load: async () => (await import('./activity/index.js')).definition },
  { name: 'kpi', load: async () => (await import('./kpi/index.js')).definition },
  { name: 'data-quality', load: async () => (await import('./data-quality/index.js')).definition },
  { name: 'sales', load: async () => (await import('./sales/index.js')).definition },
  { name: 'customers', load: async () => (await import('./customers/index.js')).definition },
  { name: 'invoices', load: async () => (await import('./invoices/index.js')).definition },
  { name: 'sources', load: async () => (await import('./sources/index.js')).definition },
  { name: 'leads', load: async () => (await import('./leads/index.js')).definition },
  { name: 'referrals', load: async () => (await import('./referrals/index.js')).definition },
];

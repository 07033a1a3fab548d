/**
 * The report engine. Every report is a definition in its own folder, src/reports/<name>/:
 *   query.ts  its SQL (the only SQL allowed outside src/db), Kysely and dialect-neutral
 *   build.ts  its pure builder: rows + scope (incl. the as-of instant) → ReportModel, formulas in `explain`
 *   index.ts  its definition: name, flags, which scope flags it takes, and run() = query → build
 * runReport() resolves the one scope (period, --as-of, --owner/--team, time zone) for all of them;
 * src/output/report.ts renders every model the same way (text with charts, CSV/TSV, JSON, NDJSON)
 * under one versioned JSON envelope; src/commands/report generates `crm report NAME` from the
 * definitions (src/reports/catalog.ts). Reports never read the clock or print.
 */
import type { Session } from '../domain/session.js';
import { UsageError } from '../errors.js';
import type { ReportModel } from './model.js';
import { resolveScope, type PeriodDefault, type ReportScope, type ScopeFlags } from './scope.js';

/** A report's own flag (besides the common ones), declared without commander. */
export interface ReportOption {
  /** As commander writes it: '--by <group>', '--fail-on-issues'. */
  flags: string;
  description: string;
  choices?: readonly string[];
  default?: unknown;
  /** Converts and checks the text (throw a UsageError). */
  parse?: (value: string) => unknown;
}

export interface CommonReportFlags extends ScopeFlags {
  explain?: boolean;
  /** false with --no-chart. */
  chart?: boolean;
}

export interface ReportRun<F> {
  session: Session;
  scope: ReportScope;
  flags: F & CommonReportFlags;
  /** Filter terms given as arguments (reports with `filterArgs`). */
  filter: string[];
}

export interface ReportDefinition<F = Record<string, unknown>> {
  name: string;
  /** One line for `crm report --help`. */
  description: string;
  examples: string[];
  /**
   * The period when none is named: this week / month / quarter / year. 'optional': the report
   * takes a period but has none by default; 'none': a snapshot that takes no period (naming one
   * is a usage error).
   */
  period: PeriodDefault | 'optional' | 'none';
  /** true, or why --as-of cannot be honoured (then it is a usage error). */
  asOf: true | string;
  /** true, or why --owner/--team mean nothing here (then they are a usage error). */
  owners: true | string;
  /**
   * A report that sums money: it takes --in CUR, its query adding fxColumns/fxGroupBy and its
   * run converting the rows (src/reports/fx.ts). Others refuse --in.
   */
  money?: boolean;
  options?: ReportOption[];
  /** Positional filter terms, with their help text (crm report pipeline owner:me). */
  filterArgs?: string;
  /** --owner/--team become filter terms (owner:sara, team:east), as the filter language reads them. */
  ownersAsFilter?: boolean;
  run(r: ReportRun<F>): Promise<ReportModel>;
  /** After the report is printed: a check the user asked for (throws CheckFailedError, exit 3). */
  check?(model: ReportModel, flags: F & CommonReportFlags): void;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyReportDefinition = ReportDefinition<any>;

export function defineReport<F = Record<string, unknown>>(def: ReportDefinition<F>): ReportDefinition<F> {
  return def;
}

/** The usage errors for scope flags a report cannot honour. */
export function checkScopeFlags(def: AnyReportDefinition, flags: CommonReportFlags): void {
  const periodFlag = (['period', 'week', 'from', 'to'] as const).find((k) => flags[k] !== undefined);
  if (def.period === 'none' && periodFlag) {
    throw new UsageError(`crm report ${def.name} takes no --${periodFlag}: it reports the records as they stand, not a period.`, flags.asOf === undefined && def.asOf === true ? `Use --as-of DATE to see it as of an earlier moment.` : `Run: crm report ${def.name} --help`);
  }
  if (def.asOf !== true && flags.asOf !== undefined) throw new UsageError(`crm report ${def.name} takes no --as-of: ${def.asOf}`, `Run: crm report ${def.name} --help`);
  if (!def.money && flags.in !== undefined) throw new UsageError(`crm report ${def.name} takes no --in: it sums no money.`, 'The money reports take --in CUR: pipeline, forecast, win-rate, quota, lost-reasons, sources, kpi, sales, invoices, customers.');
  if (def.owners !== true && (flags.owner?.length || flags.team !== undefined)) {
    throw new UsageError(`crm report ${def.name} takes no --${flags.team !== undefined ? 'team' : 'owner'}: ${def.owners}`, `Run: crm report ${def.name} --help`);
  }
}

/** Resolve the scope from the flags, run the report's queries and builder: the model to render. */
export async function runReport<F>(def: ReportDefinition<F>, session: Session, flags: F & CommonReportFlags, filter: string[] = []): Promise<ReportModel> {
  checkScopeFlags(def, flags);
  if (def.ownersAsFilter) {
    filter = [...filter, ...(flags.owner?.length ? [`owner:${flags.owner.join(',')}`] : []), ...(flags.team !== undefined ? [`team:${flags.team}`] : [])];
    flags = { ...flags, owner: undefined, team: undefined };
  }
  const scope = await resolveScope(session, flags, def.period === 'optional' || def.period === 'none' ? 'month' : def.period);
  const model = await def.run({ session, scope, flags, filter });
  if (scope.fx) {
    // The rates used, for --explain and the JSON (data.fx); a note says the amounts are converted.
    model.explain = `${model.explain.replace(/\n+$/, '')}\n\n${scope.fx.explain()}\n`;
    model.data = { ...model.data, fx: { currency: scope.fx.target, rates: scope.fx.uses() } };
    model.notes = [...model.notes, `Amounts converted to ${scope.fx.target} at each one's own date (--explain lists the rates).`];
  }
  return model;
}

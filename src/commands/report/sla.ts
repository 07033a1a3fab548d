/** `crm report sla`: SLA compliance and reply / resolution times for tickets created in a period. */
import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { periodFromFlags, type PeriodFlags } from '../../domain/period.js';
import { slaReport } from '../../domain/support-reports.js';
import { CheckFailedError, UsageError } from '../../errors.js';
import type { ListView } from '../../output/columns.js';
import { colors } from '../../output/color.js';
import { formatDuration, formatLocalDateTime } from '../../output/format.js';
import { emit, renderList, resolveFormat, toJson } from '../../output/render.js';
import { SLA_GROUPINGS, type SlaGroup, type SlaGrouping, type SlaReport } from '../../reports/sla.js';
import { examples } from '../common.js';
import { sessionOf } from '../session.js';
import { parseAsOf } from './as-of.js';

interface SlaFlags extends PeriodFlags {
  by?: string;
  asOf?: string;
  explain?: boolean;
  failOnBreach?: boolean;
}

const pct = (n: number | null) => (n === null ? '—' : `${n}%`);
const dur = (n: number | null) => (n === null ? '—' : formatDuration(n));
const counts = (m: { achieved: number; breached: number }) => `${m.achieved}/${m.breached}`;

function cell(m: { achieved: number; breached: number; compliance: number | null }): string {
  return m.achieved + m.breached ? `${pct(m.compliance)} (${counts(m)})` : '—';
}

/** With --by: one row per group, compliance and medians side by side. */
function groupView(by: SlaGrouping): ListView<SlaGroup> {
  return [
    { key: 'key', label: by[0]!.toUpperCase() + by.slice(1), get: (g) => g.key ?? '(none)' },
    { key: 'tickets', label: 'Tickets', format: 'int' },
    { key: 'firstReply', label: 'First reply', get: (g) => cell(g.firstReply), align: 'right' },
    { key: 'nextReply', label: 'Next reply', get: (g) => cell(g.nextReply), align: 'right' },
    { key: 'resolution', label: 'Resolution', get: (g) => cell(g.resolution), align: 'right' },
    { key: 'frt', label: 'FRT med. bus/cal', get: (g) => `${dur(g.firstReplyTime.medianBusinessSeconds)} / ${dur(g.firstReplyTime.medianCalendarSeconds)}`, align: 'right' },
    { key: 'res', label: 'Res. med. bus/cal', get: (g) => `${dur(g.resolutionTime.medianBusinessSeconds)} / ${dur(g.resolutionTime.medianCalendarSeconds)}`, align: 'right' },
  ];
}

interface MetricRow {
  metric: string;
  achieved: number;
  breached: number;
  inProgress: number;
  compliance: number | null;
}

const metricView: ListView<MetricRow> = [
  { key: 'metric', label: 'Metric' },
  { key: 'achieved', label: 'Met', format: 'int' },
  { key: 'breached', label: 'Missed', format: 'int' },
  { key: 'inProgress', label: 'In progress', format: 'int' },
  { key: 'compliance', label: 'Compliance', get: (r) => pct(r.compliance), align: 'right' },
];

interface TimeRow {
  metric: string;
  count: number;
  medianBusinessSeconds: number | null;
  meanBusinessSeconds: number | null;
  medianCalendarSeconds: number | null;
  meanCalendarSeconds: number | null;
}

const timeView: ListView<TimeRow> = [
  { key: 'metric', label: 'Time to' },
  { key: 'count', label: 'Tickets', format: 'int' },
  { key: 'medianBusinessSeconds', label: 'Median bus.', get: (r) => dur(r.medianBusinessSeconds), align: 'right' },
  { key: 'meanBusinessSeconds', label: 'Mean bus.', get: (r) => dur(r.meanBusinessSeconds), align: 'right' },
  { key: 'medianCalendarSeconds', label: 'Median cal.', get: (r) => dur(r.medianCalendarSeconds), align: 'right' },
  { key: 'meanCalendarSeconds', label: 'Mean cal.', get: (r) => dur(r.meanCalendarSeconds), align: 'right' },
];

/** Flat rows for --format csv/tsv: one per group and a total, numbers unformatted. */
const flatView: ListView<SlaGroup> = [
  { key: 'group', label: 'group', get: (g) => g.key ?? '' },
  { key: 'tickets', label: 'tickets' },
  ...(['firstReply', 'nextReply', 'resolution'] as const).flatMap((m) => [
    { key: `${m}Achieved`, label: '', get: (g: SlaGroup) => g[m].achieved },
    { key: `${m}Breached`, label: '', get: (g: SlaGroup) => g[m].breached },
    { key: `${m}InProgress`, label: '', get: (g: SlaGroup) => g[m].inProgress },
    { key: `${m}Compliance`, label: '', get: (g: SlaGroup) => g[m].compliance },
  ]),
  ...(['firstReplyTime', 'resolutionTime'] as const).flatMap((m) =>
    (['meanBusinessSeconds', 'medianBusinessSeconds', 'meanCalendarSeconds', 'medianCalendarSeconds'] as const).map((k) => ({ key: `${m.replace('Time', '')}${k[0]!.toUpperCase()}${k.slice(1)}`, label: '', get: (g: SlaGroup) => g[m][k] })),
  ),
];

export function renderHuman(ctx: CliContext, r: SlaReport): string {
  const c = colors(ctx.io);
  const tableOut = { io: { ...ctx.io, isStdoutTTY: true, width: ctx.io.isStdoutTTY ? ctx.io.width : 1000 }, opts: { ...ctx.out.opts, outFile: undefined } };
  const t = r.total;
  const lines = [`${c.bold('SLA compliance')} — tickets created ${r.period.label}: ${r.tickets}, as of ${formatLocalDateTime(r.asOf, ctx.timeZone)} (${ctx.timeZone})`];
  lines.push(
    renderList(tableOut, 'table', metricView, [
      { metric: 'First reply', ...t.firstReply },
      { metric: 'Next reply', ...t.nextReply },
      { metric: 'Resolution', ...t.resolution },
    ]).trimEnd(),
    renderList(tableOut, 'table', timeView, [
      { metric: 'First reply', ...t.firstReplyTime },
      { metric: 'Resolution', ...t.resolutionTime },
    ]).trimEnd(),
  );
  if (r.by) lines.push('', c.bold(`By ${r.by}`), r.groups.length ? renderList(tableOut, 'table', groupView(r.by), r.groups).trimEnd() : '  none');
  lines.push(`${r.breaches} breach${r.breaches === 1 ? '' : 'es'}. Compliance = met / (met + missed); in-progress clocks are left out. Definitions: crm report sla --explain`);
  if (r.explain) lines.push('', r.explain);
  return lines.join('\n') + '\n';
}

export async function run(ctx: CliContext, o: SlaFlags): Promise<void> {
  if (o.by !== undefined && !(SLA_GROUPINGS as readonly string[]).includes(o.by)) throw new UsageError(`Cannot group by "${o.by}".`, `Use --by ${SLA_GROUPINGS.join(' | ')}.`);
  const now = ctx.clock.now();
  const asOf = o.asOf !== undefined ? parseAsOf(o.asOf, ctx.timeZone) : now;
  const period = periodFromFlags(o, asOf, ctx.timeZone, 'month');
  const report = await slaReport(sessionOf(ctx), { period, asOf, by: o.by as SlaGrouping | undefined, explain: o.explain });
  const format = resolveFormat(ctx.out);
  const explicit = ctx.globals.format !== undefined || ctx.globals.json || ctx.globals.output !== undefined;
  if (format === 'json' || format === 'ndjson') emit(ctx.out, toJson(report) + '\n');
  else if (explicit && format !== 'table') emit(ctx.out, renderList(ctx.out, format, flatView, [...report.groups, { ...report.total, key: 'total' }]));
  else emit(ctx.out, renderHuman(ctx, report));
  if (o.failOnBreach && report.breaches > 0) {
    throw new CheckFailedError(`${report.breaches} SLA breach${report.breaches === 1 ? '' : 'es'} among tickets created ${report.period.label}.`, 'See them: crm ticket list status:any --breaching — or crm report sla --by assignee');
  }
}

export function register(parent: Command, ctx: CliContext): void {
  const cmd = parent
    .command('sla')
    .description('SLA compliance per metric, first-reply and resolution times (business and calendar)')
    .option('--period <p>', 'tickets created in 2026-Q4 | 2026-11 | 2026-W47 | 2026 (default: this month)')
    .option('--week <w>', 'an ISO week, e.g. 2026-W47')
    .option('--from <date>', 'first day, YYYY-MM-DD')
    .option('--to <date>', 'last day (included), YYYY-MM-DD')
    .option('--by <field>', `group by ${SLA_GROUPINGS.join(' | ')}`)
    .option('--as-of <time>', 'recompute as of a past moment (ISO time, or a date = the end of that day)')
    .option('--explain', 'print the definitions and formulas')
    .option('--fail-on-breach', 'exit 3 when any SLA was breached (for cron and CI)');
  examples(cmd, [
    'crm report sla',
    'crm report sla --from 2026-10-01 --to 2026-12-31 --by assignee',
    'crm report sla --period 2026-11 --as-of 2026-11-15T18:00:00Z --json',
    'crm report sla --period 2026-W47 --fail-on-breach -q || echo "SLA breaches this week"',
  ]);
  cmd.action((o: SlaFlags) => run(ctx, o));
}

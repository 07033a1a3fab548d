/** `crm report tickets`: request peaks by weekday, day of month and month; solved per agent with CSAT and reopen rate. */
import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { periodFromFlags, type PeriodFlags } from '../../domain/period.js';
import { ticketsReport } from '../../domain/support-reports.js';
import type { ListView } from '../../output/columns.js';
import { bar } from '../../output/chart.js';
import { colors } from '../../output/color.js';
import { emit, renderList, resolveFormat, toJson } from '../../output/render.js';
import type { AgentRow, CountRow, TicketsReport } from '../../reports/tickets.js';
import { examples } from '../common.js';
import { sessionOf } from '../session.js';

interface Flags extends PeriodFlags {
  explain?: boolean;
}

const agentView: ListView<AgentRow> = [
  { key: 'agent', label: 'Agent', get: (a) => a.agent ?? '(unassigned)' },
  { key: 'solved', label: 'Solved', format: 'int' },
  { key: 'avgSatisfaction', label: 'Avg CSAT', get: (a) => (a.avgSatisfaction === null ? '—' : a.avgSatisfaction.toFixed(2)), align: 'right' },
  { key: 'satisfactionResponses', label: 'CSAT answers', format: 'int' },
  { key: 'reopened', label: 'Reopened', format: 'int' },
  { key: 'reopenRate', label: 'Reopen rate', get: (a) => (a.reopenRate === null ? '—' : `${a.reopenRate}%`), align: 'right' },
];

function bars(title: string, rows: CountRow[], width = 30): string[] {
  const max = Math.max(0, ...rows.map((r) => r.requests));
  const keyWidth = Math.max(...rows.map((r) => r.key.length));
  const numWidth = String(max).length;
  return [title, ...rows.map((r) => `  ${r.key.padStart(keyWidth)}  ${String(r.requests).padStart(numWidth)}  ${bar(r.requests, max, width)}`)];
}

function renderHuman(ctx: CliContext, r: TicketsReport): string {
  const c = colors(ctx.io);
  const out = ctx.out;
  const lines = [
    `${c.bold('Tickets')} — ${r.period.label}, ${r.requests} request${r.requests === 1 ? '' : 's'} (${r.timeZone})`,
    '',
    ...bars(c.bold('Requests per weekday'), r.byWeekday),
    '',
    ...bars(c.bold('Requests per day of month'), r.byDayOfMonth),
    '',
    ...bars(c.bold('Requests per month'), r.byMonth),
    '',
    c.bold('Solved per agent (read volume next to satisfaction and reopen rate)'),
    r.agents.length ? renderList({ io: { ...ctx.io, isStdoutTTY: true, width: ctx.io.isStdoutTTY ? ctx.io.width : 1000 }, opts: { ...out.opts, outFile: undefined } }, 'table', agentView, r.agents).trimEnd() : '  none',
  ];
  if (r.explain) lines.push('', r.explain);
  return lines.join('\n') + '\n';
}

export async function run(ctx: CliContext, o: Flags): Promise<void> {
  const period = periodFromFlags(o, ctx.clock.now(), ctx.timeZone, 'year');
  const report = await ticketsReport(sessionOf(ctx), { period, explain: o.explain });
  const format = resolveFormat(ctx.out);
  const explicit = ctx.globals.format !== undefined || ctx.globals.json || ctx.globals.output !== undefined;
  if (format === 'json' || format === 'ndjson') emit(ctx.out, toJson(report) + '\n');
  else if (explicit && format !== 'table') emit(ctx.out, renderList(ctx.out, format, agentView, report.agents));
  else emit(ctx.out, renderHuman(ctx, report));
}

export function register(parent: Command, ctx: CliContext): void {
  const cmd = parent
    .command('tickets')
    .description('requests per weekday, day of month and month; solved per agent with satisfaction and reopen rate')
    .option('--period <p>', '2026 | 2026-Q4 | 2026-11 | 2026-W47 (default: this year)')
    .option('--week <w>', 'an ISO week, e.g. 2026-W47')
    .option('--from <date>', 'first day, YYYY-MM-DD')
    .option('--to <date>', 'last day (included), YYYY-MM-DD')
    .option('--explain', 'print the definitions');
  examples(cmd, ['crm report tickets', 'crm report tickets --period 2026-Q4', 'crm report tickets --json | jq .byDayOfMonth', 'crm report tickets --format csv   # the per-agent table']);
  cmd.action((o: Flags) => run(ctx, o));
}

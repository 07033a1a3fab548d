/**
 * `crm pipeline` and `crm report pipeline`: the same report, built from the database aggregate
 * by the pure builder in src/reports/pipeline.ts. Human layout on a TTY (with bars) and when
 * piped (without bars: cron mails it); --json the model; --format tsv/csv one row per stage
 * and currency.
 */
import type { Command } from 'commander';
import type { CliContext } from '../../context.js';
import { pipelineAggregate } from '../../domain/deals.js';
import { periodFromFlags } from '../../domain/period.js';
import { parseAsOf } from '../../domain/report-scope.js';
import { bar } from '../../output/chart.js';
import { colors } from '../../output/color.js';
import type { ListView } from '../../output/columns.js';
import { formatLocalDateTime } from '../../output/format.js';
import { emit, renderList, resolveFormat, toJson } from '../../output/render.js';
import { safeCell } from '../../output/safe.js';
import { displayWidth, pad } from '../../output/table.js';
import { buildPipelineReport, PIPELINE_EXPLAIN, pipelineReportRows, type CurrencyTotals, type PipelineReport } from '../../reports/pipeline.js';
import { collect, examples } from '../common.js';
import { sessionOf } from '../session.js';

export interface SummaryOptions {
  pipeline?: string;
  owner?: string[];
  team?: string;
  period?: string;
  asOf?: string;
  chart?: boolean;
  explain?: boolean;
}

export async function runSummary(ctx: CliContext, filter: string[], o: SummaryOptions): Promise<void> {
  if (o.explain) {
    emit(ctx.out, PIPELINE_EXPLAIN);
    return;
  }
  const s = sessionOf(ctx);
  // --owner / --team (the flags every report has) are filter terms here.
  filter = [...filter, ...(o.owner?.length ? [`owner:${o.owner.join(',')}`] : []), ...(o.team ? [`team:${o.team}`] : [])];
  const asOf = o.asOf !== undefined ? parseAsOf(o.asOf, s.timeZone) : s.now();
  const period = o.period ? periodFromFlags({ period: o.period }, asOf, s.timeZone) : null;
  const agg = await pipelineAggregate(s, { pipeline: o.pipeline, filter, closedIn: period ?? undefined, asOf: o.asOf !== undefined ? asOf.toISOString() : undefined });
  const report = buildPipelineReport(agg.stages, agg.rows, {
    now: asOf,
    pipeline: agg.pipeline,
    filter,
    period: period ? { label: period.label, start: period.start, end: period.end } : null,
  });
  const explicit = ctx.globals.json || ctx.globals.format || ctx.globals.output;
  const format = resolveFormat(ctx.out);
  if (format === 'json' || format === 'ndjson') {
    emit(ctx.out, toJson(report) + '\n');
    return;
  }
  if (explicit && format !== 'table') {
    emit(ctx.out, renderList(ctx.out, format, rowView, pipelineReportRows(report)));
    return;
  }
  const tty = ctx.io.isStdoutTTY && !ctx.globals.output;
  emit(ctx.out, renderPipelineText(report, { chart: tty && o.chart !== false, color: tty && ctx.io.color, width: ctx.io.width, timeZone: ctx.timeZone }));
}

const rowView: ListView<ReturnType<typeof pipelineReportRows>[number]> = [
  { key: 'stage', label: 'Stage' },
  { key: 'kind', label: 'Kind' },
  { key: 'probability', label: 'Prob', format: 'int' },
  { key: 'currency', label: 'Currency' },
  { key: 'count', label: 'Deals', format: 'int' },
  { key: 'total', label: 'Total' },
  { key: 'weighted', label: 'Weighted' },
];

/** The human layout: one line per stage and currency, open totals at the foot, bars when asked. */
export function renderPipelineText(r: PipelineReport, o: { chart: boolean; color: boolean; width: number; timeZone?: string }): string {
  const c = colors({ color: o.color });
  const lines: string[] = [];
  const head = [`${safeCell(r.pipeline.name)} pipeline`, `as of ${formatLocalDateTime(r.asOf, o.timeZone)}`];
  if (r.period) head.push(`won/lost in ${r.period.label}`);
  if (r.filter.length) head.push(r.filter.map(safeCell).join(' '));
  lines.push(c.bold(head.join(' · ')), '');
  const money = (m: CurrencyTotals['total']) => m.format();
  type Line = { stage: string; prob: string; count: string; total: string; weighted: string; barOf?: { currency: string; value: bigint }; strong?: boolean };
  const body: Line[] = [];
  for (const st of r.stages) {
    const prob = st.kind === 'open' ? `${st.probability}%` : st.kind;
    if (st.byCurrency.length === 0) {
      body.push({ stage: st.name, prob, count: '0', total: '—', weighted: '—' });
      continue;
    }
    st.byCurrency.forEach((t, i) =>
      body.push({ stage: i === 0 ? st.name : '', prob: i === 0 ? prob : '', count: String(t.count), total: money(t.total), weighted: money(t.weighted), barOf: { currency: t.currency, value: t.total.minor } }),
    );
  }
  const foot: Line[] = [];
  const openTotals = r.open.length ? r.open : [];
  if (openTotals.length === 0) foot.push({ stage: 'Open pipeline', prob: '', count: '0', total: '—', weighted: '—', strong: true });
  openTotals.forEach((t, i) => foot.push({ stage: i === 0 ? 'Open pipeline' : '', prob: '', count: String(t.count), total: money(t.total), weighted: money(t.weighted), strong: true }));
  const all = [...body, ...foot];
  const header: Line = { stage: 'Stage', prob: 'Prob', count: 'Deals', total: 'Total', weighted: 'Weighted' };
  const w = (k: keyof Omit<Line, 'barOf' | 'strong'>) => Math.max(...[header, ...all].map((l) => displayWidth(safeCell(l[k]))));
  const widths = { stage: w('stage'), prob: w('prob'), count: w('count'), total: w('total'), weighted: w('weighted') };
  const fmt = (l: Line) =>
    [pad(safeCell(l.stage), widths.stage), pad(l.prob, widths.prob, 'right'), pad(l.count, widths.count, 'right'), pad(l.total, widths.total, 'right'), pad(l.weighted, widths.weighted, 'right')].join('  ');
  const used = widths.stage + widths.prob + widths.count + widths.total + widths.weighted + 8;
  const barWidth = Math.max(0, Math.min(30, o.width - used - 3));
  const maxBy = new Map<string, bigint>();
  for (const l of body) if (l.barOf && l.barOf.value > (maxBy.get(l.barOf.currency) ?? 0n)) maxBy.set(l.barOf.currency, l.barOf.value);
  lines.push(c.bold(fmt(header).trimEnd()));
  for (const l of body) {
    let text = fmt(l);
    if (o.chart && barWidth > 0 && l.barOf) text += '  ' + c.cyan(bar(l.barOf.value, maxBy.get(l.barOf.currency) ?? 0n, barWidth));
    lines.push(l.count === '0' ? c.dim(text.trimEnd()) : text.trimEnd());
  }
  lines.push(c.dim('─'.repeat(Math.min(used, o.width))));
  for (const l of foot) lines.push(c.bold(fmt(l).trimEnd()));
  if (r.currencies.length > 1) lines.push('', c.dim('Totals are per currency; nothing is converted.'));
  return lines.join('\n') + '\n';
}

/** Options shared by `crm pipeline` and `crm report pipeline`. */
export function summaryOptions(cmd: Command): Command {
  return cmd
    .option('--pipeline <name>', 'which pipeline (default: the default pipeline)')
    .option('--owner <user>', 'only deals of this owner (handle, name or me; repeatable) — same as owner:USER', collect)
    .option('--team <team>', 'only deals of owners in this team — same as team:NAME')
    .option('--period <period>', 'count won/lost deals closed in this period only: 2026-Q4, 2026-11, 2026')
    .option('--as-of <when>', 'the pipeline as it was then, rebuilt from stage history (a date: the end of that day)')
    .option('--no-chart', 'no bar chart (bars are drawn on a terminal only)')
    .option('--explain', 'print how every number is computed, then exit');
}

export function summaryExamples(cmd: Command, prefix: string): Command {
  return examples(cmd, [`${prefix}`, `${prefix} owner:me`, `${prefix} --period 2026-Q4 --json`, `${prefix} --as-of 2026-10-31`, `${prefix} --pipeline renewals --no-chart`, `${prefix} --format csv > pipeline.csv`, `${prefix} --explain`]);
}

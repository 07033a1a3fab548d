/**
 * Rendering of a ReportModel (src/reports/model.ts). Reports keep their human layout when piped
 * (cron mails them; DESIGN §5) unless a format is asked for: --format csv|tsv gives the tables,
 * --json / ndjson the model's data. Charts (bars, sparklines) only on a TTY and without --no-chart.
 */
import { Money } from '../domain/money.js';
import type { CellFormat, ReportModel, ReportTable } from '../reports/model.js';
import { bar, sparkline } from './chart.js';
import { colors } from './color.js';
import { formatDuration, formatLocalDateTime } from './format.js';
import { emit, parseFormat, toJson, type Output } from './render.js';
import { csvRecords } from '../csv/formula.js';
import { jsonEscaped, safeCell } from './safe.js';
import { displayWidth, pad, renderTable } from './table.js';

export interface ReportRenderOptions {
  /** Draw charts (TTY and not --no-chart). */
  chart: boolean;
  /** Append the explanation of the formulas (--explain). */
  explain: boolean;
  /** --no-chart: also no bars in tables whose bars are their content (layout 'bars'). */
  noChart?: boolean;
}

/** The version of the JSON envelope every report is printed in (README: "The report envelope"). */
export const REPORT_SCHEMA = 'crm.report/1';

export type ReportFormat = 'text' | 'csv' | 'tsv' | 'json' | 'ndjson';

export function reportFormat(out: Output): ReportFormat {
  const f = parseFormat(out.opts.format);
  if (f === 'table') return 'text';
  if (f) return f;
  if (out.opts.json) return 'json';
  if (out.opts.outFile) {
    if (/\.csv$/i.test(out.opts.outFile)) return 'csv';
    if (/\.tsv$/i.test(out.opts.outFile)) return 'tsv';
    if (/\.ndjson$/i.test(out.opts.outFile)) return 'ndjson';
    if (/\.json$/i.test(out.opts.outFile)) return 'json';
  }
  return 'text';
}

export function printReport(out: Output, model: ReportModel, opts: ReportRenderOptions): void {
  const format = reportFormat(out);
  switch (format) {
    case 'json':
      emit(out, toJson(reportJson(model, opts.explain)) + '\n');
      return;
    case 'ndjson':
      emit(out, ((model.flat ?? model.tables[0])?.rows ?? []).map((r) => jsonEscaped(JSON.stringify(r, jsonReplacer)) + '\n').join(''));
      return;
    case 'csv':
    case 'tsv':
      if (model.flat) emit(out, delimited(model.flat, format, false));
      else emit(out, (model.tables.length ? model.tables : [summaryTable(model)]).map((t) => delimited(t, format, model.tables.length > 1)).join('\n'));
      if (opts.explain) out.io.stderr.write(model.explain.trimEnd() + '\n');
      return;
    default:
      emit(out, reportText(out, model, opts));
  }
}

/** A report made only of headline figures (kpi) becomes a key/value table for CSV and TSV. */
function summaryTable(model: ReportModel): ReportTable {
  return {
    name: 'summary',
    columns: [
      { key: 'key', label: 'KPI' },
      { key: 'value', label: 'Value' },
      { key: 'detail', label: 'Detail' },
    ],
    rows: model.summary.map((s) => ({ key: s.key, value: formatCell(s.value, s.format, false), detail: s.detail ?? '' })),
  };
}

function jsonReplacer(_k: string, v: unknown): unknown {
  return typeof v === 'bigint' ? v.toString() : v;
}

const ENVELOPE_KEYS = ['schema', 'report', 'title', 'period', 'asOf', 'timeZone', 'owners', 'team', 'notes', 'explain'];

/** The JSON body: report, title, scope, the report's own data, notes (and the explanation). */
export function reportJson(model: ReportModel, explain: boolean): Record<string, unknown> {
  const clash = ENVELOPE_KEYS.find((k) => k in model.data);
  if (clash) throw new Error(`report ${model.report}: data.${clash} would overwrite the envelope's ${clash}`);
  return {
    schema: REPORT_SCHEMA,
    report: model.report,
    title: model.title,
    period: model.scope.period,
    asOf: model.scope.asOf,
    timeZone: model.scope.timeZone,
    owners: model.scope.owners,
    team: model.scope.team,
    ...model.data,
    notes: model.notes,
    ...(explain ? { explain: model.explain } : {}),
  };
}

/** One cell as text. `human` groups digits and adds units; otherwise exact and machine-readable. */
export function formatCell(value: unknown, format: CellFormat | undefined, human: boolean, timeZone?: string): string {
  if (value === null || value === undefined) return human && format !== undefined && format !== 'text' ? '—' : '';
  if (value instanceof Money) return human ? value.format() : `${value.amount} ${value.currency}`;
  if (Array.isArray(value) && (value.length === 0 || value[0] instanceof Money)) {
    if (value.length === 0) return human ? '0' : '';
    return (value as Money[]).map((m) => (human ? m.format() : `${m.amount} ${m.currency}`)).join(human ? ', ' : '; ');
  }
  switch (format) {
    case 'percent':
      return typeof value === 'number' ? (human ? `${(value * 100).toFixed(1)}%` : value.toFixed(4)) : String(value);
    case 'duration':
      return typeof value === 'number' ? (human ? formatDuration(value) : String(value)) : String(value);
    case 'days':
    case 'number':
      return typeof value === 'number' ? value.toFixed(1) : String(value);
    case 'int':
      return typeof value === 'number' || typeof value === 'bigint' ? (human ? groupDigits(String(value)) : String(value)) : String(value);
    case 'datetime':
      return human ? formatLocalDateTime(String(value), timeZone) : String(value);
    default:
      if (typeof value === 'boolean') return value ? 'yes' : human ? '' : 'no';
      if (Array.isArray(value)) return value.map((v) => safeCell(String(v))).join(human ? ', ' : ';');
      return safeCell(String(value));
  }
}

function groupDigits(s: string): string {
  return s.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function delimited(t: ReportTable, format: 'csv' | 'tsv', titled: boolean): string {
  const cols = titled ? [{ key: 'table', label: 'Table' }, ...t.columns] : t.columns;
  const rows = t.total ? [...t.rows, t.total] : t.rows;
  const records = [cols.map((c) => c.key), ...rows.map((r) => cols.map((c) => (c.key === 'table' && titled ? t.name : formatCell(r[c.key], (c as { format?: CellFormat }).format, false))))];
  if (format === 'csv') return csvRecords(records);
  return records.map((r) => r.map((s) => s.replace(/[\t\r\n]/g, ' ')).join('\t')).join('\n') + '\n';
}

/** The value a bar chart measures: numbers as is, money by its first (largest) currency. */
function chartValue(value: unknown, currency: string | undefined): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Money) return value.currency === currency ? Number(value.minor) : 0;
  if (Array.isArray(value)) {
    const m = (value as Money[]).find((x) => x instanceof Money && x.currency === currency);
    return m ? Number(m.minor) : 0;
  }
  return 0;
}

function chartCurrency(t: ReportTable): string | undefined {
  const totals = new Map<string, number>();
  for (const r of t.rows) {
    const v = r[t.chart!];
    const list = v instanceof Money ? [v] : Array.isArray(v) ? (v as unknown[]) : [];
    for (const m of list) if (m instanceof Money) totals.set(m.currency, (totals.get(m.currency) ?? 0) + Math.abs(Number(m.minor)));
  }
  return [...totals.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
}

export function reportText(out: Output, model: ReportModel, opts: ReportRenderOptions): string {
  const c = colors(out.io);
  const tz = model.scope.timeZone;
  const lines: string[] = [];
  lines.push(c.bold(model.title));
  const scope: string[] = [];
  const p = model.scope.period;
  if (p) scope.push(p.label.includes('..') ? `${p.label.replace('..', ' to ')} (${tz})` : `${p.label} (${formatLocalDateTime(p.start, tz).slice(0, 10)} to ${lastDay(p.end, tz)}, ${tz})`);
  scope.push(`as of ${formatLocalDateTime(model.scope.asOf, tz)}`);
  if (model.scope.owners) scope.push(`owner ${model.scope.owners.join(', ')}`);
  if (model.scope.team) scope.push(`team ${model.scope.team}`);
  lines.push(c.dim(scope.join(' · ')));
  let text = lines.join('\n') + '\n';

  if (model.summary.length) {
    const width = Math.max(...model.summary.map((s) => s.label.length));
    const values = model.summary.map((s) => formatCell(s.value, s.format, true, tz));
    const valueWidth = Math.max(...values.map((v) => displayWidth(v)));
    text += '\n';
    for (const [i, s] of model.summary.entries()) {
      let line = `  ${s.label.padEnd(width)}  ${s.detail ? pad(values[i]!, valueWidth) : values[i]!}`;
      if (s.detail) line += `  ${c.dim(s.detail)}`;
      if (opts.chart && s.trend && s.trend.length > 1) line += `  ${c.cyan(sparkline(s.trend))}`;
      text += line + '\n';
    }
  }

  for (const t of model.tables) {
    text += '\n';
    if (t.title) text += c.bold(t.title) + '\n';
    if (t.rows.length === 0) {
      text += (t.empty ?? 'Nothing to report.') + '\n';
      continue;
    }
    if (t.layout === 'bars') {
      text += barLines(t, !opts.noChart, (x) => c.cyan(x), tz);
      continue;
    }
    const headers = t.columns.map((col) => col.label);
    const align = t.columns.map((col) => (col.format && col.format !== 'text' && col.format !== 'date' && col.format !== 'datetime' ? 'right' : 'left') as 'left' | 'right');
    // A row whose money spans several currencies takes one line per currency (as in a ledger):
    // the first line carries the other cells, the next ones only the further amounts.
    const body: string[][] = [];
    const firstLineOf: number[] = [];
    const addRow = (r: Record<string, unknown>, style: (x: string) => string) => {
      const lines = Math.max(1, ...t.columns.map((col) => (Array.isArray(r[col.key]) ? (r[col.key] as unknown[]).length : 1)));
      firstLineOf.push(body.length);
      for (let i = 0; i < lines; i++) {
        body.push(
          t.columns.map((col) => {
            const v = r[col.key];
            if (Array.isArray(v) && (v.length === 0 || v[0] instanceof Money)) return i < v.length || (i === 0 && v.length === 0) ? style(formatCell(v.length ? v[i] : v, col.format, true, tz)) : '';
            return i === 0 ? style(formatCell(v, col.format, true, tz)) : '';
          }),
        );
      }
    };
    for (const r of t.rows) addRow(r, (x) => x);
    if (t.total) addRow(t.total, c.bold);
    const width = out.io.isStdoutTTY && !out.opts.outFile ? out.io.width : undefined;
    const style = { header: c.bold, border: c.dim };
    let table = renderTable({ headers, rows: body, align, width, style });
    if (opts.chart && t.chart !== undefined) {
      // Bars go in an extra column when the terminal has room for at least 8 cells of them.
      const used = displayWidth(table.slice(0, table.indexOf('\n')));
      const barWidth = Math.min(20, (width ?? 200) - used - 3);
      if (barWidth >= 8) {
        const currency = chartCurrency(t);
        const chartFormat = t.columns.find((col) => col.key === t.chart)?.format;
        const max = chartFormat === 'percent' ? 1 : Math.max(0, ...t.rows.map((r) => chartValue(r[t.chart!], currency)));
        const bars = new Map(t.rows.map((r, i) => [firstLineOf[i]!, c.cyan(bar(chartValue(r[t.chart!], currency), max, barWidth))]));
        table = renderTable({
          headers: [...headers, ''],
          rows: body.map((cells, i) => [...cells, bars.get(i) ?? '']),
          align: [...align, 'left'],
          width,
          style,
        });
      }
    }
    text += table;
  }

  if (model.notes.length) text += '\n' + model.notes.map((n) => c.dim(`Note: ${n}`)).join('\n') + '\n';
  if (opts.explain) text += '\n' + c.bold('How this is computed') + '\n' + model.explain.trimEnd() + '\n';
  return text;
}

/**
 * A table of counts drawn as "  key  count  ████" lines: the bars are its content, so they are
 * drawn when piped too (cron mails) and left out only with --no-chart.
 */
function barLines(t: ReportTable, bars: boolean, paint: (s: string) => string, tz: string): string {
  const [keyCol, valueCol] = t.columns;
  const keys = t.rows.map((r) => formatCell(r[keyCol!.key], keyCol!.format, true, tz));
  const values = t.rows.map((r) => formatCell(r[valueCol!.key], valueCol!.format, true, tz));
  const max = Math.max(0, ...t.rows.map((r) => chartValue(r[valueCol!.key], undefined)));
  const keyWidth = Math.max(...keys.map((k) => displayWidth(k)));
  const numWidth = Math.max(...values.map((v) => displayWidth(v)));
  return t.rows
    .map((r, i) => `  ${pad(keys[i]!, keyWidth, 'right')}  ${pad(values[i]!, numWidth, 'right')}${bars ? '  ' + paint(bar(chartValue(r[valueCol!.key], undefined), max, 30)) : ''}`.trimEnd() + '\n')
    .join('');
}

/** The last day included in a half-open period ending at `end` (local date of end − 1 ms). */
function lastDay(end: string, tz: string): string {
  return formatLocalDateTime(new Date(new Date(end).getTime() - 1).toISOString(), tz).slice(0, 10);
}

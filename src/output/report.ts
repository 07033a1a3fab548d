/**
 * Rendering of a ReportModel (src/reports/model.ts). Reports keep their human layout when piped
 * (cron mails them; DESIGN §5) unless a format is asked for: --format csv|tsv gives the tables,
 * --json / ndjson the model's data. Charts (bars, sparklines) only on a TTY and without --no-chart.
 */
import { Money } from '../domain/money.js';
import { UsageError } from '../errors.js';
import { closeSync, writeSync } from 'node:fs';
import { RowStream, type CellFormat, type ReportModel, type ReportTable } from '../reports/model.js';
import { bar, sparkline } from './chart.js';
import { colors } from './color.js';
import { formatDuration, formatLocalDateTime } from './format.js';
import { emit, noteHidden, parseFormat, tableWidth, toJson, type Output } from './render.js';
import { csvRecords } from '../csv/formula.js';
import { openPrivateFile } from './files.js';
import { jsonEscaped, realize, safeCell } from './safe.js';
import { displayWidth, fitTable, pad, wrapWords } from './table.js';

export interface ReportRenderOptions {
  /** Draw charts (TTY and not --no-chart). */
  chart: boolean;
  /** Append the explanation of the formulas (--explain). */
  explain: boolean;
  /** --no-chart: also no bars in tables whose bars are their content (layout 'bars'). */
  noChart?: boolean;
  /** --totals: CSV/TSV end with the table's totals row (left out by default: a spreadsheet sums). */
  totals?: boolean;
  /** --table NAME: which of the report's tables CSV/TSV/NDJSON print (default: its main one). */
  table?: string;
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

export async function printReport(out: Output, model: ReportModel, opts: ReportRenderOptions): Promise<void> {
  const format = reportFormat(out);
  const streamed = model.tables.some((t) => t.stream) || model.flat?.stream;
  if (streamed) {
    if (format === 'json') return writeStreamed(out, (w) => streamJson(w, reportJson(model, opts.explain)));
    const table = format === 'text' ? undefined : delimitedTable(model, opts.table);
    if (format === 'ndjson' && table?.stream) {
      const rows = table.stream;
      return writeStreamed(out, async (w) => {
        for await (const batch of rows.batches()) await w(jsonEscaped(batch.map((r) => JSON.stringify(r, jsonReplacer) + '\n').join('')));
      });
    }
    if ((format === 'csv' || format === 'tsv') && table?.stream) {
      await writeStreamed(out, (w) => streamDelimited(w, table, format, Boolean(opts.totals)));
      alsoInThisReport(out, model, table, opts);
      return;
    }
    // The text layout measures every row first; a table another format prints is read whole.
    for (const t of [...(model.flat ? [model.flat] : []), ...model.tables]) if (t.stream && (format === 'text' || t === table)) t.rows = await t.stream.all();
  }
  switch (format) {
    case 'json':
      emit(out, toJson(reportJson(model, opts.explain)) + '\n');
      return;
    case 'ndjson':
      emit(out, (delimitedTable(model, opts.table)?.rows ?? []).map((r) => jsonEscaped(JSON.stringify(r, jsonReplacer)) + '\n').join(''));
      return;
    case 'csv':
    case 'tsv': {
      const table = delimitedTable(model, opts.table) ?? summaryTable(model);
      emit(out, delimited(table, format, Boolean(opts.totals)));
      alsoInThisReport(out, model, table, opts);
      return;
    }
    default:
      emit(out, reportText(out, model, opts));
  }
}

function alsoInThisReport(out: Output, model: ReportModel, table: ReportTable, opts: ReportRenderOptions): void {
  const others = model.flat ? [] : model.tables.filter((t) => t !== table).map((t) => t.name);
  if (others.length && opts.table === undefined) out.io.stderr.write(`Also in this report: --table ${others.join(', --table ')} (one table per file).\n`);
  if (opts.explain) out.io.stderr.write(model.explain.trimEnd() + '\n');
}

type Write = (chunk: string) => void | Promise<void>;

/**
 * Output written as it is made: to --output FILE (0600, as emit writes it), else to stdout,
 * waiting for it to drain (a slow reader never makes crm hold the whole document). A closed
 * pipe (`| head -1`) ends the process quietly (bin/crm).
 */
async function writeStreamed(out: Output, body: (write: Write) => Promise<void>): Promise<void> {
  let buffered = '';
  let flush: (text: string) => void | Promise<void>;
  let fd: number | undefined;
  if (out.opts.outFile) {
    fd = openPrivateFile(out.opts.outFile, { overwrite: true });
    const file = fd;
    flush = (text) => void writeSync(file, realize(text));
  } else {
    const stdout = out.io.stdout as { write(c: string): unknown; once?: (ev: string, cb: () => void) => unknown };
    flush = (text) => {
      if (stdout.write(text) === false && stdout.once) return new Promise<void>((resolve) => void stdout.once!('drain', resolve));
    };
  }
  try {
    await body((chunk) => {
      buffered += chunk;
      if (buffered.length < 1 << 16) return;
      const text = buffered;
      buffered = '';
      return flush(text);
    });
    if (buffered) await flush(buffered);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * JSON.stringify(value, null, 2) written piece by piece: each RowStream is a placeholder in the
 * document, replaced by its rows as they are read — byte for byte what the whole array gives.
 */
async function streamJson(write: Write, value: Record<string, unknown>): Promise<void> {
  const token = `\u0000crm-rows-${Math.random().toString(36).slice(2)}-`;
  const streams: RowStream[] = [];
  const text = jsonEscaped(JSON.stringify(value, (_k, v: unknown) => (v instanceof RowStream ? `${token}${streams.push(v) - 1}` : typeof v === 'bigint' ? v.toString() : v), 2));
  const mark = JSON.stringify(token).slice(0, -1); // "\u0000crm-rows-…- as the document spells it
  let at = 0;
  for (let i = text.indexOf(mark); i >= 0; i = text.indexOf(mark, at)) {
    const end = text.indexOf('"', i + mark.length);
    const line = text.slice(text.lastIndexOf('\n', i) + 1, i);
    await write(text.slice(at, i));
    await streamJsonArray(write, streams[Number(text.slice(i + mark.length, end))]!, line.length - line.trimStart().length);
    at = end + 1;
  }
  await write(text.slice(at) + '\n');
}

/**
 * The rows of a stream as JSON.stringify(rows, null, 2) writes an array `indent` spaces deep: each
 * batch through JSON.stringify itself (its fast path when no value is a bigint), wrapped in arrays
 * as deep as the document holds it so the items come out indented already.
 */
async function streamJsonArray(write: Write, rows: RowStream, indent: number): Promise<void> {
  const depth = indent / 2;
  let head = 0;
  let tail = 0;
  for (let d = 0; d <= depth; d++) {
    head += 2 * d + 2; // "  …[\n"
    tail += 2 * d + 2; // "\n  …]"
  }
  let first = true;
  for await (const batch of rows.batches()) {
    if (!batch.length) continue;
    let value: unknown = batch;
    for (let d = 0; d < depth; d++) value = [value];
    let json: string;
    try {
      json = JSON.stringify(value, null, 2);
    } catch {
      json = JSON.stringify(value, jsonReplacer, 2);
    }
    await write((first ? '[\n' : ',\n') + jsonEscaped(json.slice(head, json.length - tail)));
    first = false;
  }
  await write(first ? '[]' : `\n${' '.repeat(indent)}]`);
}

/** The one table CSV, TSV and NDJSON print: --table NAME, else the flat table, else the first. */
function delimitedTable(model: ReportModel, name: string | undefined): ReportTable | undefined {
  if (name !== undefined) {
    const all = [...(model.flat ? [model.flat] : []), ...model.tables];
    const found = all.find((t) => t.name === name);
    if (!found) throw new UsageError(`crm report ${model.report} has no table "${name}".`, `Use one of: --table ${[...new Set(all.map((t) => t.name))].join(', --table ')}.`);
    return found;
  }
  return model.flat ?? model.tables[0];
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
    // money stays Money (an amount and a currency column, a row per currency); the rest as in JSON
    rows: model.summary.map((s) => ({ key: s.key, value: Array.isArray(s.value) || s.value instanceof Money ? s.value : formatCell(s.value, s.format, false), detail: s.detail ?? '' })),
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
      return typeof value === 'number' ? value.toFixed(1) : String(value);
    case 'number':
      // One decimal to read; to the thousandth in CSV/TSV, as --json has it (an average CSAT of
      // 4.25 is not 4.3 in a spreadsheet that sums it).
      return typeof value === 'number' ? (human ? value.toFixed(1) : String(Math.round(value * 1000) / 1000)) : String(value);
    case 'int':
      return typeof value === 'number' || typeof value === 'bigint' ? (human ? groupDigits(String(value)) : String(value)) : String(value);
    case 'quantity':
      // Exact to the thousandth a document line holds: 3.333 stays 3.333, 4 stays 4.
      return typeof value === 'number' ? (human ? value.toLocaleString('en-US', { maximumFractionDigits: 3 }) : String(Math.round(value * 1000) / 1000)) : String(value);
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

/**
 * One rectangular table: a header row, then rows of the same width. Money is an amount column and
 * a `currency` column (before the first amount); a row with money in several currencies becomes
 * one row per currency. The totals row only with --totals.
 */
function delimited(t: ReportTable, format: 'csv' | 'tsv', totals: boolean): string {
  const rows = totals && t.total ? [...t.rows, t.total] : t.rows;
  const moneyKeys = new Set(t.columns.filter((c) => c.format === 'money' || rows.some((r) => isMoney(r[c.key]))).map((c) => c.key));
  const d = delimitedRecords(t, moneyKeys);
  return delimitedText([d.header, ...d.records(rows)], format);
}

/** The same, written as the rows are read: the money columns are those whose format says so. */
async function streamDelimited(write: Write, t: ReportTable, format: 'csv' | 'tsv', totals: boolean): Promise<void> {
  const d = delimitedRecords(t, new Set(t.columns.filter((c) => c.format === 'money').map((c) => c.key)));
  await write(delimitedText([d.header], format));
  for await (const batch of t.stream!.batches()) await write(delimitedText(d.records(batch), format));
  if (totals && t.total) await write(delimitedText(d.records([t.total]), format));
}

const isMoney = (v: unknown) => v instanceof Money || (Array.isArray(v) && v.length > 0 && v.every((m) => m instanceof Money));

function delimitedText(records: string[][], format: 'csv' | 'tsv'): string {
  if (format === 'csv') return csvRecords(records);
  return records.map((r) => r.map((s) => s.replace(/[\t\r\n]/g, ' ')).join('\t') + '\n').join('');
}

function delimitedRecords(t: ReportTable, moneyKeys: Set<string>): { header: string[]; records(rows: Record<string, unknown>[]): string[][] } {
  const header: string[] = [];
  for (const c of t.columns) {
    if (moneyKeys.has(c.key) && !header.includes('currency') && !t.columns.some((x) => x.key === 'currency')) header.push('currency');
    header.push(c.key);
  }
  const records = (rows: Record<string, unknown>[]) => {
    const out: string[][] = [];
    for (const r of rows) {
      const currencies: string[] = [];
      for (const k of moneyKeys) {
        const v = r[k];
        for (const m of v instanceof Money ? [v] : Array.isArray(v) ? (v as Money[]) : []) if (m instanceof Money && !currencies.includes(m.currency)) currencies.push(m.currency);
      }
      for (const currency of currencies.length ? currencies : ['']) {
        out.push(
          header.map((key) => {
            if (key === 'currency' && !t.columns.some((x) => x.key === 'currency')) return currency;
            const v = r[key];
            if (moneyKeys.has(key)) {
              const m = (v instanceof Money ? [v] : Array.isArray(v) ? (v as Money[]) : []).find((x) => x instanceof Money && x.currency === currency);
              if (m) return m.amount;
              return isMoney(v) || (Array.isArray(v) && v.length === 0) ? '' : formatCell(v, undefined, false);
            }
            return formatCell(v, t.columns.find((c) => c.key === key)?.format, false);
          }),
        );
      }
    }
    return out;
  };
  return { header, records };
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
  const hidden: string[] = [];

  if (model.summary.length) {
    // Money in several currencies folds to one amount per line; the detail goes right of the
    // values, wrapped to the terminal (never inside an amount), or under them when there is no room.
    const width = out.io.isStdoutTTY ? tableWidth(out) : undefined;
    const labelWidth = Math.max(...model.summary.map((s) => displayWidth(s.label)));
    const valueLines = model.summary.map((s) =>
      Array.isArray(s.value) && s.value.length > 1 && s.value[0] instanceof Money ? (s.value as Money[]).map((m) => formatCell(m, s.format, true, tz)) : [formatCell(s.value, s.format, true, tz)],
    );
    const valueWidth = Math.max(...valueLines.flat().map((v) => displayWidth(v)));
    const indent = 2 + labelWidth + 2;
    text += '\n';
    for (const [i, s] of model.summary.entries()) {
      const values = valueLines[i]!;
      const spark = opts.chart && s.trend && s.trend.length > 1 ? c.cyan(sparkline(s.trend)) : '';
      const detail = [spark, s.detail ?? ''].filter(Boolean).join('  ');
      const room = width === undefined ? Infinity : width - indent - valueWidth - 2;
      const beside = !detail ? [] : room >= 24 ? wrapKeepingAmounts(detail, room) : null;
      const rows = Math.max(values.length, beside?.length ?? 0);
      for (let k = 0; k < rows; k++) {
        const head = k === 0 ? `  ${pad(s.label, labelWidth)}  ` : ' '.repeat(indent);
        const value = pad(values[k] ?? '', valueWidth, s.format && s.format !== 'text' ? 'right' : 'left');
        const right = beside?.[k];
        text += (right ? `${head}${value}  ${c.dim(right)}` : `${head}${value}`).trimEnd() + '\n';
      }
      if (beside === null) for (const l of wrapKeepingAmounts(detail, Math.max(24, width! - indent - 2))) text += `${' '.repeat(indent + 2)}${c.dim(l)}\n`;
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
    const width = out.io.isStdoutTTY ? tableWidth(out) : undefined;
    const style = { header: c.bold, border: c.dim };
    const fit = {
      priorities: t.columns.map((col) => col.priority),
      minWidths: t.columns.map((col) => col.minWidth),
      whole: t.columns.map((col) => col.whole ?? ((col.format !== undefined && col.format !== 'text') || [...t.rows, t.total].some((r) => r && (r[col.key] instanceof Money || (Array.isArray(r[col.key]) && (r[col.key] as unknown[])[0] instanceof Money))))),
    };
    const fitted = fitTable({ headers, rows: body, align, width, style, ...fit });
    let table = fitted.text;
    hidden.push(...fitted.hidden);
    if (opts.chart && t.chart !== undefined) {
      // Bars go in an extra column when the terminal has room for at least 8 cells of them.
      const used = displayWidth(table.slice(0, table.indexOf('\n')));
      const barWidth = Math.min(20, (width ?? 200) - used - 3);
      if (barWidth >= 8) {
        const currency = chartCurrency(t);
        const chartFormat = t.columns.find((col) => col.key === t.chart)?.format;
        const max = chartFormat === 'percent' ? 1 : Math.max(0, ...t.rows.map((r) => chartValue(r[t.chart!], currency)));
        const bars = new Map(t.rows.map((r, i) => [firstLineOf[i]!, c.cyan(bar(chartValue(r[t.chart!], currency), max, barWidth))]));
        table = fitTable({
          headers: [...headers, ''],
          rows: body.map((cells, i) => [...cells, bars.get(i) ?? '']),
          align: [...align, 'left'],
          width,
          style,
          priorities: [...fit.priorities, 9],
          minWidths: [...fit.minWidths, undefined],
          whole: [...fit.whole, true],
        }).text;
      }
    }
    text += table;
  }

  if (model.notes.length) text += '\n' + model.notes.map((n) => c.dim(`Note: ${n}`)).join('\n') + '\n';
  noteHidden(out, hidden);
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

/**
 * Words on lines of at most `width` columns, an amount and its currency ("1,250.00 EUR") kept on
 * one line; a word longer than the width gets a line of its own.
 */
function wrapKeepingAmounts(text: string, width: number): string[] {
  if (displayWidth(text) <= width) return [text];
  const glued = text.replace(/(\d) ([A-Z]{3})\b/g, '$1\u00a0$2');
  return wrapWords(glued, width).map((l) => l.replace(/\u00a0/g, ' '));
}

/** The last day included in a half-open period ending at `end` (local date of end − 1 ms). */
function lastDay(end: string, tz: string): string {
  return formatLocalDateTime(new Date(new Date(end).getTime() - 1).toISOString(), tz).slice(0, 10);
}
